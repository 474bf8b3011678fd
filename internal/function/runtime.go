package function

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluice-run/sluice/runtimes"
)

// Runtimes starts instances of functions for each Lambda runtime: the
// managed Python and Node.js runtimes through Sluice's bootstraps (run
// with the python3 and node found on PATH), and the provided runtimes
// (and go1.x) through the function's own executable.
type Runtimes struct {
	dir string // where the bootstraps are written
}

// NewRuntimes writes the bootstraps under dir, which it creates.
func NewRuntimes(dir string) (*Runtimes, error) {
	for _, f := range []struct {
		sub, name string
		data      []byte
	}{{"python", runtimes.PythonFile, runtimes.Python}, {"node", runtimes.NodeFile, runtimes.Node}} {
		d := filepath.Join(dir, f.sub)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("function: write the %s bootstrap: %w", f.sub, err)
		}
		if err := os.WriteFile(filepath.Join(d, f.name), f.data, 0o644); err != nil {
			return nil, fmt.Errorf("function: write the %s bootstrap: %w", f.sub, err)
		}
	}
	return &Runtimes{dir: dir}, nil
}

// ErrUnsupportedRuntime is wrapped by errors for runtimes Sluice cannot
// run.
var ErrUnsupportedRuntime = fmt.Errorf("unsupported runtime")

// Command returns the command line that starts an instance of cfg.
func (r *Runtimes) Command(cfg Config) ([]string, error) {
	rt := cfg.Runtime
	switch {
	case strings.HasPrefix(rt, "python3"):
		return []string{"python3", filepath.Join(r.dir, "python", runtimes.PythonFile)}, nil
	case strings.HasPrefix(rt, "nodejs"):
		return []string{"node", filepath.Join(r.dir, "node", runtimes.NodeFile)}, nil
	case rt == "provided" || strings.HasPrefix(rt, "provided."):
		return []string{filepath.Join(cfg.CodeDir, "bootstrap")}, nil
	case rt == "go1.x":
		// The legacy Go runtime ran the executable the handler names.
		if cfg.Handler == "" || strings.ContainsAny(cfg.Handler, `/\`) {
			return nil, fmt.Errorf("function: the go1.x handler must name an executable in the code, not %q", cfg.Handler)
		}
		return []string{filepath.Join(cfg.CodeDir, cfg.Handler)}, nil
	}
	return nil, fmt.Errorf("function: %w %q: Sluice runs python3.x, nodejs*.x, provided.* and go1.x; package other languages with a bootstrap for provided.al2023", ErrUnsupportedRuntime, rt)
}
