package jsonata

import (
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FuzzEvaluate checks that no expression, however malformed, panics or
// hangs the parser or the evaluator.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		`Account.Order.Product[Price > 30].(Price * Quantity)`,
		`$sum(Account.Order.Product.(Price * Quantity))`,
		`Account.Order.Product.{ %.OrderID: Price }`,
		`library.loans@$L.books@$B[$L.isbn=$B.isbn]`,
		`$map([1,2,3], function($v, $i){ $v * $i })`,
		`| Account.Order.Product | {"Price": Price * 2}, ["SKU"] |`,
		`( $f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5) )`,
		`$replace("abc", /b+/i, "x")`, `**[a>1]^(>b)#$i{$string($i): $}`,
		`"unterminated`, `[1..`, `{`, `$x := `, `function($x)<n:n>{$x}(1)`,
		`$.[a,b][]`, `%.%`, `a ~> $uppercase()`, `/*c*/ 1 /* d */`,
	} {
		f.Add(s, `{"Account":{"Order":[{"OrderID":"o1","Product":[{"Price":10,"Quantity":2,"SKU":"x"}]}]},"a":2,"b":[1,{"c":3}]}`)
	}
	f.Fuzz(func(t *testing.T, expr, data string) {
		e, err := Compile(expr)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile(%q) returned %T, not *Error", expr, err)
			}
			return
		}
		var input Value
		if v, err := jsonvalue.ParseString(data); err == nil {
			input = FromJSON(v)
		}
		done := make(chan error, 1)
		go func() {
			_, err := e.EvaluateWith(input, nil, Options{MaxDepth: 500, Timeout: time.Second})
			done <- err
		}()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Evaluate(%q) ran past its one-second timeout", expr)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Evaluate(%q) returned %T, not *Error: %v", expr, err, err)
			}
		}
	})
}
