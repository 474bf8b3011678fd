package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`null`, `null`},
		{` true `, `true`},
		{`false`, `false`},
		{`0`, `0`},
		{`-1.5e+10`, `-1.5e+10`},
		{`"a\"b\\c\n\u0001\u00e9\/"`, `"a\"b\\c\n\u0001é/"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`[1, [2, []], {}]`, `[1,[2,[]],{}]`},
		{`{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{`"<&>\u2028"`, "\"<&>\u2028\""},
	}
	for _, tc := range tests {
		v, err := ParseString(tc.in)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.in, err)
			continue
		}
		if got := Marshal(v); got != tc.want {
			t.Errorf("Marshal(Parse(%s)) = %s, want %s", tc.in, got, tc.want)
		}
		if got := EncodedLen(v); got != len(tc.want) {
			t.Errorf("EncodedLen(%s) = %d, want %d", tc.in, got, len(tc.want))
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, ` `, `{`, `[1,]`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `1e`, `-`, `"abc`, "\"a\x01\"", `tru`, `nul`, `[1] x`, `"\x"`, `"\u12"`, `{"a":1,}`} {
		_, err := ParseString(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", in)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) && !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) error %T, want *SyntaxError", in, err)
		}
	}
}

func TestParseDepthLimit(t *testing.T) {
	t.Parallel()
	deep := make([]byte, 0, 2*MaxDepth+4)
	for i := 0; i <= MaxDepth; i++ {
		deep = append(deep, '[')
	}
	for i := 0; i <= MaxDepth; i++ {
		deep = append(deep, ']')
	}
	if _, err := Parse(deep); err == nil {
		t.Fatal("Parse accepted nesting deeper than MaxDepth")
	}
}

func TestCompareNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b Number
		want int
	}{
		{"1", "2", -1}, {"300", "3.0e2", 0}, {"300", "300.0", 0}, {"-1", "-1.5", 1},
		{"9007199254740993", "9007199254740992", 1}, {"1e400", "1e401", -1},
	}
	for _, tc := range tests {
		if got := CompareNumbers(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareNumbers(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestObjectOrderAndIndex(t *testing.T) {
	t.Parallel()
	o := NewObject(0)
	for i := 0; i < 40; i++ {
		o.Append(string(rune('A'+i)), Int(int64(i)))
	}
	if v, ok := o.Get("Z"); !ok || v != Number("25") {
		t.Fatalf("Get(Z) = %v, %v", v, ok)
	}
	c := o.Clone()
	c.Set("A", "changed")
	if v, _ := o.Get("A"); v != Number("0") {
		t.Fatalf("Clone shares storage: original A = %v", v)
	}
	if !c.Delete("B") || c.Len() != 39 || c.Keys()[1] != "C" {
		t.Fatalf("Delete broke order: %v", c.Keys()[:3])
	}
	if v, ok := c.Get("C"); !ok || v != Number("2") {
		t.Fatalf("index stale after Delete: %v %v", v, ok)
	}
}

func TestEqual(t *testing.T) {
	t.Parallel()
	if !Equal(MustParse(`{"a":[1,{"b":null}],"c":1.0}`), MustParse(`{"c":1,"a":[1.0,{"b":null}]}`)) {
		t.Error("equal documents reported different")
	}
	if Equal(MustParse(`{"a":1}`), MustParse(`{"a":1,"b":2}`)) || Equal(MustParse(`[1]`), MustParse(`["1"]`)) {
		t.Error("different documents reported equal")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c"}]}`, `"\u00e9\ud83d\ude00"`, `-0.5e-3`, `[[[]]]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		refErr := decodeWithNumbers(data, new(any))
		if (err == nil) != (refErr == nil) {
			// encoding/json rejects invalid UTF-8 never, and so do we; the
			// only accepted difference is our depth limit.
			if err != nil {
				var se *SyntaxError
				if errors.As(err, &se) && se.Msg == "nesting deeper than 1000" {
					return
				}
			}
			t.Fatalf("Parse(%q) err=%v, encoding/json err=%v", data, err, refErr)
		}
		if err != nil {
			return
		}
		out := Marshal(v)
		if EncodedLen(v) != len(out) {
			t.Fatalf("EncodedLen %d != len %d for %s", EncodedLen(v), len(out), out)
		}
		var back, orig any
		if err := decodeWithNumbers([]byte(out), &back); err != nil {
			t.Fatalf("Marshal produced invalid JSON %q: %v", out, err)
		}
		_ = decodeWithNumbers(data, &orig)
		if !reflect.DeepEqual(orig, back) {
			t.Fatalf("round trip changed the value: %q -> %q", data, out)
		}
	})
}

func decodeWithNumbers(data []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	_, err := d.Token()
	if err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}
