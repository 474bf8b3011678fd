package jsonata

import (
	"testing"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

const invoice = `{"Account":{"Account Name":"Firefly","Order":[
 {"OrderID":"order103","Product":[{"Product Name":"Bowler Hat","ProductID":858383,"SKU":"0406654608","Price":34.45,"Quantity":2},{"Product Name":"Trilby hat","ProductID":858236,"SKU":"0406634348","Price":21.67,"Quantity":1}]},
 {"OrderID":"order104","Product":[{"Product Name":"Bowler Hat","ProductID":858383,"SKU":"040657863","Price":34.45,"Quantity":4},{"Product Name":"Cloak","ProductID":345664,"SKU":"0406654603","Price":107.99,"Quantity":1}]}]}}`

// BenchmarkEvaluate measures compiled expressions of the kinds state
// machines use against a small document.
func BenchmarkEvaluate(b *testing.B) {
	doc := FromJSON(jsonvalue.MustParse(invoice))
	for _, bc := range []struct{ name, expr string }{
		{"field", `Account.Order[0].OrderID`},
		{"sum", `$sum(Account.Order.Product.(Price * Quantity))`},
		{"filter", `Account.Order.Product[Price > 30].SKU`},
		{"object", `{"name": Account.` + "`Account Name`" + `, "orders": $count(Account.Order)}`},
		{"group", `Account.Order.Product{SKU: $sum(Quantity)}`},
		{"map", `$map(Account.Order.Product, function($p){ $uppercase($p.SKU) })`},
	} {
		e, err := Compile(bc.expr)
		if err != nil {
			b.Fatal(err)
		}
		opts := Options{Now: time.Unix(0, 0)}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := e.EvaluateWith(doc, nil, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
