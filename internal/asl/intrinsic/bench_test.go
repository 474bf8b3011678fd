package intrinsic

import (
	"strconv"
	"testing"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func mustParse(b *testing.B, src string) *Call {
	b.Helper()
	c, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkFormat(b *testing.B) {
	env := &jsonpath.Env{Input: jsonvalue.MustParse(`{"name":"Ada Lovelace","age":36,"tags":["x","y"]}`)}
	for _, bc := range []struct{ name, src string }{
		{"literals", "States.Format('Hello {}, you are {} years old ({}).', 'Ada Lovelace', 36, true)"},
		{"paths", "States.Format('Hello {}, you are {} years old.', $.name, $.age)"},
		{"array", "States.Format('tags: {}', $.tags)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := mustParse(b, bc.src)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Eval(env, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkArrayContains(b *testing.B) {
	strs := make([]jsonvalue.Value, 1000)
	nums := make([]jsonvalue.Value, 1000)
	for i := range strs {
		strs[i] = "item-" + strconv.Itoa(i)
		nums[i] = jsonvalue.Int(int64(i))
	}
	input := jsonvalue.NewObject(2)
	input.Set("strs", strs)
	input.Set("nums", nums)
	env := &jsonpath.Env{Input: input}
	for _, bc := range []struct{ name, src string }{
		{"strings", "States.ArrayContains($.strs, 'item-999')"},
		{"numbers", "States.ArrayContains($.nums, 999)"},
		{"absent", "States.ArrayContains($.strs, 'nope')"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := mustParse(b, bc.src)
			b.ReportAllocs()
			for b.Loop() {
				v, err := c.Eval(env, nil)
				if err != nil {
					b.Fatal(err)
				}
				if v != (bc.name != "absent") {
					b.Fatalf("got %v", v)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), 'x', 42)"); err != nil {
			b.Fatal(err)
		}
	}
}
