package sqlite

import (
	"os"
	"strconv"
)

func init() {
	if v, err := strconv.Atoi(os.Getenv("PAGESIZE")); err == nil {
		pageSize = v
	}
}
