package interp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// chain builds n states in a row named S0..S(n-1), after the top-level
// fields in top. state is a format of one state's fields taking its index
// and its "Next" or "End" member.
func chain(n int, top, state string) string {
	var b strings.Builder
	b.WriteString("{" + top + `"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"S%d":{`+state+"}", i, i, next)
	}
	b.WriteString("}}")
	return b.String()
}

// passChain builds n Pass states in a row, each with a Parameters template
// that reshapes the 1 KiB document it receives.
func passChain(n int) string {
	return chain(n, "", `"Type":"Pass","Parameters":{"step":%d,"user.$":"$.user","items.$":"$.items","meta":{"source":"bench","id.$":"$.meta.id"}},%s`)
}

// kibInput is a 1 KiB document shaped like a typical event.
func kibInput() jsonvalue.Value {
	var items []string
	for i := 0; i < 12; i++ {
		items = append(items, fmt.Sprintf(`{"sku":"SKU-%04d","qty":%d,"price":%d.99}`, i, i+1, i*3))
	}
	doc := fmt.Sprintf(`{"user":{"id":"u-123456","name":"Ada Lovelace","email":"ada@example.com","roles":["admin","ops"]},"items":[%s],"meta":{"id":"m-1","source":"web","tags":["a","b","c"]},"note":"%s"}`,
		strings.Join(items, ","), strings.Repeat("x", 355))
	v := jsonvalue.MustParse(doc)
	if n := jsonvalue.EncodedLen(v); n < 1000 || n > 1100 {
		panic(fmt.Sprintf("input is %d bytes, want about 1 KiB", n))
	}
	return v
}

func reportTransitions(b *testing.B, transitions int) {
	b.ReportMetric(float64(transitions)*float64(b.N)/b.Elapsed().Seconds(), "transitions/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(transitions*b.N), "ns/transition")
}

// BenchmarkPassChain runs 100 Pass states with Parameters on a 1 KiB input,
// in memory, one execution per iteration.
func BenchmarkPassChain(b *testing.B) {
	const n = 100
	def := asl.MustParse(passChain(n))
	in := kibInput()
	o := opts()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, _ := interp.Start(def, in, o)
		if x.Status() != interp.StatusSucceeded {
			b.Fatal(x.Status())
		}
	}
	reportTransitions(b, n)
	b.ReportMetric(float64(testing.AllocsPerRun(20, func() { interp.Start(def, in, o) }))/n, "allocs/transition")
}

// BenchmarkChoiceLoop counts to 1,000 in a loop of a Choice state with
// several rules and a Pass state using States.MathAdd.
func BenchmarkChoiceLoop(b *testing.B) {
	def := asl.MustParse(`{"StartAt":"Check","States":{
	  "Check":{"Type":"Choice","Choices":[
	    {"Variable":"$.n","NumericGreaterThanEquals":1000,"Next":"Done"},
	    {"And":[{"Variable":"$.mode","StringEquals":"fast"},{"Variable":"$.n","NumericLessThan":0}],"Next":"Done"},
	    {"Or":[{"Variable":"$.flag","BooleanEquals":true},{"Variable":"$.label","StringMatches":"stop-*"}],"Next":"Done"}],
	   "Default":"Incr"},
	  "Incr":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)","mode.$":"$.mode","flag.$":"$.flag","label.$":"$.label"},"Next":"Check"},
	  "Done":{"Type":"Succeed"}}}`)
	in := jsonvalue.MustParse(`{"n":0,"mode":"slow","flag":false,"label":"go-on"}`)
	o := opts()
	const transitions = 2*1000 + 2
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, _ := interp.Start(def, in, o)
		if x.Status() != interp.StatusSucceeded {
			name, _, cause, _ := x.Error()
			b.Fatal(x.Status(), name, cause)
		}
	}
	reportTransitions(b, transitions)
}

// BenchmarkMap1000 runs an inline Map over 1,000 items, each through one
// Pass state with an ItemSelector.
func BenchmarkMap1000(b *testing.B) {
	def := asl.MustParse(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
	  "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value"},
	  "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"$.v.id","i.$":"$.i"},"End":true}}},"End":true}}}`)
	items := make([]jsonvalue.Value, 1000)
	for i := range items {
		o := jsonvalue.NewObject(2)
		o.Append("id", fmt.Sprintf("item-%d", i))
		o.Append("n", jsonvalue.Int(int64(i)))
		items[i] = o
	}
	in := jsonvalue.NewObject(1)
	in.Append("items", items)
	o := opts()
	const transitions = 1000 + 1 // one Pass per item, plus the Map state
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, _ := interp.Start(def, in, o)
		if x.Status() != interp.StatusSucceeded {
			b.Fatal(x.Status())
		}
	}
	reportTransitions(b, transitions)
}

// jsonataChain builds n JSONata Pass states in a row, each reshaping the
// 1 KiB document with an Output template, like passChain does with
// Parameters.
func jsonataChain(n int) string {
	return chain(n, `"QueryLanguage":"JSONata",`, `"Type":"Pass","Output":{"step":%d,"user":"{%% $states.input.user %%}","items":"{%% $states.input.items %%}","meta":{"source":"bench","id":"{%% $states.input.meta.id %%}"}},%s`)
}

// BenchmarkJSONataPassChain is BenchmarkPassChain in the JSONata query
// language.
func BenchmarkJSONataPassChain(b *testing.B) {
	const n = 100
	def := asl.MustParse(jsonataChain(n))
	in := kibInput()
	o := opts()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, _ := interp.Start(def, in, o)
		if x.Status() != interp.StatusSucceeded {
			name, _, cause, _ := x.Error()
			b.Fatal(x.Status(), name, cause)
		}
	}
	reportTransitions(b, n)
}
