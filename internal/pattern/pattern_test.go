package pattern

import (
	"errors"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestMatchSemantics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pattern string
		event   string
		want    bool
	}{
		{"exact string", `{"source":["aws.ec2"]}`, `{"source":"aws.ec2"}`, true},
		{"exact string other", `{"source":["aws.ec2"]}`, `{"source":"aws.s3"}`, false},
		{"missing field", `{"source":["aws.ec2"]}`, `{"detail":{}}`, false},
		{"numbers compare by value", `{"n":[300]}`, `{"n":3.0e2}`, true},
		{"number 300.0", `{"n":[300]}`, `{"n":300.0}`, true},
		{"number is not string", `{"n":[300]}`, `{"n":"300"}`, false},
		{"string is not number", `{"n":["300"]}`, `{"n":300}`, false},
		{"true", `{"b":[true]}`, `{"b":true}`, true},
		{"true is not string", `{"b":[true]}`, `{"b":"true"}`, false},
		{"null", `{"b":[null]}`, `{"b":null}`, true},
		{"null is not missing", `{"b":[null]}`, `{}`, false},
		{"empty string", `{"b":[""]}`, `{"b":""}`, true},
		{"array intersection", `{"r":["x","y"]}`, `{"r":["a","y"]}`, true},
		{"array no intersection", `{"r":["x","y"]}`, `{"r":["a","b"]}`, false},
		{"nested arrays", `{"r":[3]}`, `{"r":[[1,2],[3]]}`, true},
		{"prefix", `{"t":[{"prefix":"2017-10"}]}`, `{"t":"2017-10-02"}`, true},
		{"prefix number", `{"t":[{"prefix":"1"}]}`, `{"t":12}`, false},
		{"prefix empty", `{"t":[{"prefix":""}]}`, `{"t":"x"}`, true},
		{"prefix ignore case", `{"t":[{"prefix":{"equals-ignore-case":"EventB"}}]}`, `{"t":"eventbridge"}`, true},
		{"suffix", `{"f":[{"suffix":".png"}]}`, `{"f":"a.png"}`, true},
		{"suffix case", `{"f":[{"suffix":".PNG"}]}`, `{"f":"a.png"}`, false},
		{"suffix ignore case", `{"f":[{"suffix":{"equals-ignore-case":".PNG"}}]}`, `{"f":"a.png"}`, true},
		{"equals-ignore-case", `{"s":[{"equals-ignore-case":"AbC"}]}`, `{"s":"aBc"}`, true},
		{"equals-ignore-case unicode", `{"s":[{"equals-ignore-case":"ÉTÉ"}]}`, `{"s":"été"}`, true},
		{"equals-ignore-case empty", `{"s":[{"equals-ignore-case":""}]}`, `{"s":"x"}`, false},
		{"anything-but string", `{"s":[{"anything-but":"a"}]}`, `{"s":"b"}`, true},
		{"anything-but string same", `{"s":[{"anything-but":"a"}]}`, `{"s":"a"}`, false},
		{"anything-but null", `{"s":[{"anything-but":"a"}]}`, `{"s":null}`, true},
		{"anything-but missing", `{"s":[{"anything-but":"a"}]}`, `{}`, false},
		{"anything-but number", `{"n":[{"anything-but":[100,200]}]}`, `{"n":200.0}`, false},
		{"anything-but number vs string", `{"n":[{"anything-but":[100]}]}`, `{"n":"100"}`, true},
		{"anything-but array", `{"s":[{"anything-but":"a"}]}`, `{"s":["a","b"]}`, true},
		{"anything-but prefix", `{"s":[{"anything-but":{"prefix":"init"}}]}`, `{"s":"initial"}`, false},
		{"anything-but prefix number", `{"s":[{"anything-but":{"prefix":"1"}}]}`, `{"s":12}`, true},
		{"anything-but suffix list", `{"s":[{"anything-but":{"suffix":[".a",".b"]}}]}`, `{"s":"x.c"}`, true},
		{"anything-but ignore case", `{"s":[{"anything-but":{"equals-ignore-case":["X","y"]}}]}`, `{"s":"Y"}`, false},
		{"anything-but wildcard", `{"s":[{"anything-but":{"wildcard":"*/lib/*"}}]}`, `{"s":"a/lib/b"}`, false},
		{"numeric range", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":5}`, true},
		{"numeric range open", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":0}`, false},
		{"numeric equals", `{"n":[{"numeric":["=",3.018e2]}]}`, `{"n":301.8}`, true},
		{"numeric string", `{"n":[{"numeric":[">",1]}]}`, `{"n":"5"}`, false},
		{"numeric big", `{"n":[{"numeric":[">",1e20]}]}`, `{"n":1e21}`, true},
		{"cidr", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.255"}`, true},
		{"cidr out", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.1.0"}`, false},
		{"cidr v6", `{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}`, `{"ip":"2001:db8:1234:1a00::5"}`, true},
		{"exact ip", `{"ip":["2001:db8::1"]}`, `{"ip":"2001:0db8:0:0:0:0:0:1"}`, true},
		{"exists true", `{"s":[{"exists":true}]}`, `{"s":null}`, true},
		{"exists true object", `{"s":[{"exists":true}]}`, `{"s":{"a":1}}`, false},
		{"exists true empty array", `{"s":[{"exists":true}]}`, `{"s":[]}`, false},
		{"exists false", `{"s":[{"exists":false}]}`, `{"t":1}`, true},
		{"exists false present", `{"s":[{"exists":false}]}`, `{"s":1}`, false},
		{"exists false object", `{"s":[{"exists":false}]}`, `{"s":{"a":1}}`, true},
		{"wildcard", `{"f":[{"wildcard":"/Users/*/doc.txt"}]}`, `{"f":"/Users/a/b/doc.txt"}`, true},
		{"wildcard escape", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"a*b"}`, true},
		{"wildcard escape literal", `{"f":[{"wildcard":"a\\*b"}]}`, `{"f":"axb"}`, false},
		{"wildcard backslash", `{"f":[{"wildcard":"a\\\\*"}]}`, `{"f":"a\\bc"}`, true},
		{"or", `{"$or":[{"a":[1]},{"b":[2]}]}`, `{"b":2}`, true},
		{"or none", `{"$or":[{"a":[1]},{"b":[2]}]}`, `{"c":2}`, false},
		{"or nested", `{"d":{"$or":[{"a":[1]},{"b":[2],"$or":[{"c":[3]},{"e":[4]}]}]}}`, `{"d":{"b":2,"e":4}}`, true},
		{"dotted event key", `{"d":{"s":{"t":["r"]}}}`, `{"d":{"s.t":"r"}}`, true},
		{"dotted event key before the nested one", `{"d":{"s":{"t":["r"]}}}`, `{"d":{"s.t":"r","s":{"t":"q"}}}`, true},
		{"dotted pattern key", `{"d.s":{"t":["r"]}}`, `{"d":{"s":{"t":"r"}}}`, true},
		{"array of objects", `{"a":{"id":[{"exists":true}]}}`, `{"a":[{"k":1},{"id":"x"}]}`, true},
		{"array of objects same element", `{"e":{"f":["Anna"],"l":["Smith"]}}`, `{"e":[{"f":"John","l":"Doe"},{"f":"Anna","l":"Smith"}]}`, true},
		{"array of objects different elements", `{"e":{"f":["Anna"],"l":["Doe"]}}`, `{"e":[{"f":"John","l":"Doe"},{"f":"Anna","l":"Smith"}]}`, false},
		{"nested json string", `{"d":{"k":["v"]}}`, `{"d":"{\"k\":\"v\"}"}`, false},
		{"escaped event string", `{"s":["a\"b"]}`, `{"s":"a\u0022b"}`, true},
		{"duplicate pattern keys merge objects", `{"d":{"a":[1]},"d":{"b":[2]}}`, `{"d":{"a":1,"b":3}}`, false},
		{"duplicate pattern keys last wins", `{"a":[1],"a":[2]}`, `{"a":2}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Compile([]byte(tt.pattern))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got, err := p.MatchBytes([]byte(tt.event))
			if err != nil {
				t.Fatalf("MatchBytes: %v", err)
			}
			if got != tt.want {
				t.Errorf("MatchBytes = %v, want %v", got, tt.want)
			}
			if got := p.Match(jsonvalue.MustParse(tt.event)); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		reason  string
	}{
		{`[1]`, "Filter is not an object"},
		{``, "Filter is not an object"},
		{`{}`, "Empty objects are not allowed"},
		{`{"a":{}}`, "Empty objects are not allowed"},
		{`{"a":[]}`, "Empty arrays are not allowed"},
		{`{"int":42}`, `"int" must be an object or an array`},
		{`{"a":[[1]]}`, "Match value must be String, number, true, false, or null"},
		{`{"a":[{}]}`, "Match expression name not found"},
		{`{"a":[{"EXISTS":true}]}`, "Unrecognized match type EXISTS"},
		{`{"a":[{"prefix":"x","suffix":"y"}]}`, "Only one key allowed in match expression"},
		{`{"a":[{"prefix":["x"]}]}`, "prefix match pattern must be a string"},
		{`{"a":[{"suffix":1}]}`, "suffix match pattern must be a string"},
		{`{"a":[{"prefix":{"foo":"x"}}]}`, "Unsupported prefix pattern: foo"},
		{`{"a":[{"equals-ignore-case":["x"]}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"a":[{"exists":"yes"}]}`, "exists match pattern must be either true or false."},
		{`{"a":[{"numeric":5}]}`, "Value of numeric must be an array."},
		{`{"a":[{"numeric":[]}]}`, "Invalid member in numeric match: ]"},
		{`{"a":[{"numeric":["!",5]}]}`, "Unrecognized numeric range operator: !"},
		{`{"a":[{"numeric":[">",0,">",5]}]}`, "Bad numeric range operator: >"},
		{`{"a":[{"numeric":[">",0,"<"]}]}`, "Value of < must be numeric"},
		{`{"a":[{"numeric":["=","5"]}]}`, "Value of equals must be numeric"},
		{`{"a":[{"numeric":["<",5,">",1]}]}`, "Too many elements in numeric expression"},
		{`{"a":[{"numeric":[">",0,"<",5,6]}]}`, "Too many terms in numeric range expression"},
		{`{"a":[{"numeric":[">",0,5]}]}`, "Bad value in numeric range: 5"},
		{`{"a":[{"numeric":[">",5,"<",5]}]}`, "Bottom must be less than top"},
		{`{"a":[{"anything-but":null}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a":[{"anything-but":["a",null]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a":[{"anything-but":["a",1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported"},
		{`{"a":[{"anything-but":{"foo":"x"}}]}`, "Unsupported anything-but pattern: foo"},
		{`{"a":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed"},
		{`{"a":[{"anything-but":{"suffix":[1]}}]}`, "prefix/suffix match pattern must be a string"},
		{`{"a":[{"anything-but":{"equals-ignore-case":1}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
		{`{"a":[{"anything-but":{"prefix":{"equals-ignore-case":"x"}}}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a":[{"wildcard":1}]}`, "wildcard match pattern must be a string"},
		{`{"a":[{"wildcard":"a**"}]}`, "Consecutive wildcard characters at pos 2"},
		{`{"a":[{"wildcard":"arn:aws:events:us-east-1:**:event-bus/*"}]}`, "Consecutive wildcard characters at pos 26"},
		{`{"a":[{"wildcard":"a\\b"}]}`, "Invalid escape character at pos 2"},
		{`{"a":[{"wildcard":"*:*:*:*:*:event-bus/*"}]}`, tooComplex},
		{`{"a":[{"cidr":"10.0.0.0"}]}`, "Malformed CIDR, one '/' required"},
		{`{"a":[{"cidr":"10.0.0.0/x"}]}`, "Malformed CIDR, mask bits must be an integer"},
		{`{"a":[{"cidr":"xx.11.xx/8"}]}`, "Nonstandard IP address: xx.11.xx"},
		{`{"a":[{"cidr":"10.0.0.0/32"}]}`, "IPv4 mask bits must be < 32"},
		{`{"a":[{"cidr":["x"]}]}`, "prefix match pattern must be a string"},
		{`{"$or":[{"a":[1]}]}`, "There must have at least 2 Objects in $or relationship."},
		{`{"$or":{"a":[1]}}`, "It must be an Array followed with $or."},
		{`{"$or":[{"a":[1]},2]}`, "Only JSON object is allowed in array of $or relationship."},
		{`{"$or":[{"prefix":[1]},{"a":[2]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{`{'bad': 1}`, "Unexpected character (''' (code 39)): was expecting double-quote to start field name"},
		{`this is not json`, "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			t.Parallel()
			_, err := Compile([]byte(tt.pattern))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Compile(%s) = %v, want an *Error", tt.pattern, err)
			}
			if pe.Reason != tt.reason {
				t.Errorf("reason %q, want %q", pe.Reason, tt.reason)
			}
			if pe.Message != "Event pattern is not valid. Reason: "+tt.reason {
				t.Errorf("message %q", pe.Message)
			}
		})
	}
}

func TestOrExpansionLimit(t *testing.T) {
	t.Parallel()
	alt := `{"$or":[{"a":[1]},{"b":[1]},{"c":[1]},{"d":[1]},{"e":[1]},{"f":[1]},{"g":[1]},{"h":[1]},{"i":[1]},{"j":[1]}]}`
	ok := `{"x":` + alt + `,"y":` + alt + `,"z":` + alt + `}` // 1000 alternatives
	if _, err := Compile([]byte(ok)); err != nil {
		t.Fatalf("1000 alternatives: %v", err)
	}
	tooMany := `{"w":{"$or":[{"a":[1]},{"b":[1]}]},"x":` + alt + `,"y":` + alt + `,"z":` + alt + `}`
	if _, err := Compile([]byte(tooMany)); err == nil {
		t.Fatal("2000 alternatives compiled")
	}
}

func TestMatchBytesSyntaxError(t *testing.T) {
	t.Parallel()
	p := MustCompile(`{"a":["x"],"c":[1]}`)
	for _, ev := range []string{`{"a":"x"`, `{"a":}`, `{"b":[1,2}`, `nope`, `{"a":"x"} x`, `{"a":"x","b":{"c":[}}`} {
		if _, err := p.MatchBytes([]byte(ev)); err == nil {
			t.Errorf("MatchBytes(%s): no error", ev)
		}
	}
}
