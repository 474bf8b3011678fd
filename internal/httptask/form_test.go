package httptask

import (
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestEncodeForm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		body   string
		format ArrayFormat
		want   string
	}{
		{"AWS INDICES example", `{"array":["a","b","c","d"]}`, Indices, "array%5B0%5D=a&array%5B1%5D=b&array%5B2%5D=c&array%5B3%5D=d"},
		{"AWS REPEAT example", `{"array":["a","b","c","d"]}`, Repeat, "array=a&array=b&array=c&array=d"},
		{"AWS COMMAS example", `{"array":["a","b","c","d"]}`, Commas, "array=a,b,c,d"},
		{"AWS BRACKETS example", `{"array":["a","b","c","d"]}`, Brackets, "array%5B%5D=a&array%5B%5D=b&array%5B%5D=c&array%5B%5D=d"},
		{"default is INDICES", `{"a":["x"]}`, "", "a%5B0%5D=x"},
		{"scalars", `{"s":"x y","n":-1.5e3,"t":true,"f":false,"z":null}`, Indices, "s=x%20y&n=-1.5e3&t=true&f=false&z="},
		{"escaping", `{"k&=":"a+b/c?d%e,f;ü~-._"}`, Indices, "k%26%3D=a%2Bb%2Fc%3Fd%25e%2Cf%3B%C3%BC~-._"},
		{"nested objects", `{"a":{"b":{"c":"d"}},"e":"f"}`, Indices, "a%5Bb%5D%5Bc%5D=d&e=f"},
		{"objects in arrays INDICES", `{"a":[{"b":1},{"b":2}]}`, Indices, "a%5B0%5D%5Bb%5D=1&a%5B1%5D%5Bb%5D=2"},
		{"objects in arrays BRACKETS", `{"a":[{"b":1}]}`, Brackets, "a%5B%5D%5Bb%5D=1"},
		{"objects in arrays REPEAT", `{"a":[{"b":1},{"b":2}]}`, Repeat, "a%5Bb%5D=1&a%5Bb%5D=2"},
		{"containers in arrays COMMAS fall back to indices", `{"a":[[1,2],{"b":3}]}`, Commas, "a%5B0%5D=1,2&a%5B1%5D%5Bb%5D=3"},
		{"nested arrays INDICES", `{"a":[[1,2]]}`, Indices, "a%5B0%5D%5B0%5D=1&a%5B0%5D%5B1%5D=2"},
		{"COMMAS escapes each value", `{"a":["x,y","z w",null,7]}`, Commas, "a=x%2Cy,z%20w,,7"},
		{"empty containers send nothing", `{"a":[],"b":{},"c":"1"}`, Commas, "c=1"},
		{"empty object", `{}`, Indices, ""},
		{"null", `null`, Indices, ""},
		{"key order kept", `{"z":1,"a":2}`, Indices, "z=1&a=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := EncodeForm(jsonvalue.MustParse(c.body), c.format)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("EncodeForm = %q, want %q", got, c.want)
			}
		})
	}
}

func TestEncodeFormErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[1]`, `"s"`, `1`, `true`} {
		if _, err := EncodeForm(jsonvalue.MustParse(body), Indices); err == nil {
			t.Errorf("EncodeForm(%s) succeeded", body)
		}
	}
	if _, err := EncodeForm(jsonvalue.MustParse(`{}`), "PIPES"); err == nil {
		t.Error("unknown array format accepted")
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":           "",
		"AZaz09-._~": "AZaz09-._~",
		" ":          "%20",
		"[]":         "%5B%5D",
		"\x00\xff":   "%00%FF",
		"é":          "%C3%A9",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
