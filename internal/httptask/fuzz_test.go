package httptask

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// FuzzValidateParameters checks that no template makes the static or the
// run-time reading of Parameters panic, and that both agree on templates
// without dynamic parts.
func FuzzValidateParameters(f *testing.F) {
	for _, s := range []string{
		`{"ApiEndpoint":"https://x.test","Method":"GET"}`,
		`{"ApiEndpoint.$":"$.u","Method":"{% $m %}","Headers":{"A.$":"$.a","B":["1",2,true]}}`,
		`{"ApiEndpoint":"http://[::1]:80/p?q#f","Method":"POST","Authentication":{"ConnectionArn":"a"},"InvocationConfig":{}}`,
		`{"ApiEndpoint":"https://x","Method":"PUT","RequestBody":[1],"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}}}`,
		`{"Headers":{"a/b~c":null,"Authorization":{}},"QueryParameters":{"x":{"y":[[]]}}}`,
		`"{% x %}"`, `null`, `[]`, `{"ApiEndpoint":"%zz","Method":"GET"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := jsonvalue.ParseString(s)
		if err != nil {
			return
		}
		static := ValidateParameters(v)
		r, runtime := (&parser{}).parse(v)
		if runtime == nil && r == nil {
			t.Fatal("run-time parse returned neither a request nor an error")
		}
		if !strings.Contains(s, ".$") && !strings.Contains(s, "{%") && (static == nil) != (runtime == nil) {
			t.Fatalf("static %v and run-time %v disagree", static, runtime)
		}
		if runtime != nil && runtime.Message == "" {
			t.Fatal("error without a message")
		}
	})
}

// FuzzEncodeForm checks that URL-encoding any object gives a query string
// that parses back, with the same number of pairs for REPEAT as there are
// scalars.
func FuzzEncodeForm(f *testing.F) {
	for _, s := range []string{
		`{"array":["a","b"]}`, `{"a":{"b":[{"c":null},[1,2]]},"d":"e f&g=h"}`,
		`{"k,":["x,y",""],"ü":1e9}`, `{}`, `{"":[[],{}]}`,
	} {
		for _, format := range []string{"INDICES", "REPEAT", "COMMAS", "BRACKETS", ""} {
			f.Add(s, format)
		}
	}
	f.Fuzz(func(t *testing.T, s, format string) {
		v, err := jsonvalue.ParseString(s)
		if err != nil {
			return
		}
		enc, err := EncodeForm(v, ArrayFormat(format))
		_, isObj := v.(*jsonvalue.Object)
		_, known := ParseArrayFormat(format)
		if err != nil {
			if (isObj || v == nil) && (known || format == "") {
				t.Fatalf("EncodeForm(%s, %q): %v", s, format, err)
			}
			return
		}
		if _, err := url.ParseQuery(enc); err != nil {
			t.Fatalf("EncodeForm(%s, %q) = %q does not parse: %v", s, format, enc, err)
		}
		for i := range len(enc) {
			if c := enc[i]; !unreserved(c) && !strings.ContainsRune("%=&,", rune(c)) {
				t.Fatalf("EncodeForm(%s, %q) = %q has the raw byte %q", s, format, enc, c)
			}
		}
		if ArrayFormat(format) == Repeat && isObj {
			pairs := 0
			if enc != "" {
				pairs = strings.Count(enc, "&") + 1
			}
			if want := countScalars(v); pairs != want {
				t.Fatalf("REPEAT encoding %q has %d pairs, want %d", enc, pairs, want)
			}
		}
	})
}

func countScalars(v jsonvalue.Value) int {
	switch x := v.(type) {
	case *jsonvalue.Object:
		n := 0
		for i := range x.Len() {
			_, e := x.At(i)
			n += countScalars(e)
		}
		return n
	case []jsonvalue.Value:
		n := 0
		for _, e := range x {
			n += countScalars(e)
		}
		return n
	}
	return 1
}
