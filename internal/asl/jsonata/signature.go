package jsonata

import (
	"fmt"
	"strings"
)

// signature is a parsed function signature such as "<s-n?:s>".
type signature struct {
	text   string
	params []param
}

// param is one parameter: the type symbols it accepts (b boolean, n
// number, s string, l null, a array, o object, f function), the element
// type of an array parameter, and its modifiers.
type param struct {
	types    string
	sub      string // element symbols for a<...>
	optional bool   // ?
	variadic bool   // +
	context  bool   // - : taken from the context value when left out
}

// parseSignature parses JSONata's signature syntax.
func parseSignature(s string) (*signature, error) {
	if !strings.HasPrefix(s, "<") || !strings.HasSuffix(s, ">") {
		return nil, fmt.Errorf("signature %q must be enclosed in < >", s)
	}
	body := s[1 : len(s)-1]
	sig := &signature{text: s}
	i := 0
	expand := func(c byte) string {
		switch c {
		case 'x':
			return "bnsloaf"
		case 'j':
			return "bnsloa"
		case 'u':
			return "bnsl"
		}
		return string(c)
	}
	for i < len(body) && body[i] != ':' {
		var p param
		switch c := body[i]; {
		case c == '(':
			end := strings.IndexByte(body[i:], ')')
			if end < 0 {
				return nil, fmt.Errorf("unterminated choice group in %q", s)
			}
			for j := i + 1; j < i+end; j++ {
				if body[j] == '<' {
					return nil, &Error{Code: "S0402", Value: s}
				}
				p.types += expand(body[j])
			}
			i += end + 1
		case strings.IndexByte("bnslaofxju", c) >= 0:
			p.types = expand(c)
			i++
		default:
			return nil, fmt.Errorf("unknown type symbol %q in %q", c, s)
		}
		if i < len(body) && body[i] == '<' {
			if p.types != "a" && p.types != "f" {
				if len(p.types) > 1 && strings.ContainsAny(p.types, "af") {
					return nil, &Error{Code: "S0402", Value: s}
				}
				return nil, &Error{Code: "S0401", Value: s}
			}
			depth, j := 0, i
			for ; j < len(body); j++ {
				if body[j] == '<' {
					depth++
				} else if body[j] == '>' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if p.types == "a" {
				for _, c := range []byte(body[i+1 : j]) {
					p.sub += expand(c)
				}
			}
			i = j + 1
		}
		for i < len(body) && strings.IndexByte("?+-", body[i]) >= 0 {
			switch body[i] {
			case '?':
				p.optional = true
			case '+':
				p.variadic = true
			case '-':
				p.context = true
			}
			i++
		}
		sig.params = append(sig.params, p)
	}
	return sig, nil
}

// symbol returns the signature symbol of a value; undefined is 'm'.
func symbol(v Value) byte {
	switch v.(type) {
	case nil:
		return 'm'
	case nullType:
		return 'l'
	case bool:
		return 'b'
	case float64:
		return 'n'
	case string:
		return 's'
	case []Value, *Sequence:
		return 'a'
	case *Object:
		return 'o'
	}
	if IsFunction(v) {
		return 'f'
	}
	return 'm'
}

// accepts reports whether the parameter takes a value of symbol c.
// Undefined is accepted anywhere (the function decides), and an array
// parameter accepts any value, which it receives wrapped in an array.
func (p param) accepts(c byte) bool {
	if c == 'm' || strings.IndexByte(p.types, 'a') >= 0 {
		return true
	}
	return strings.IndexByte(p.types, c) >= 0
}

// validate matches args against the signature, filling a left-out context
// parameter from input and wrapping single values given for array
// parameters. It returns one value per parameter (variadic parameters
// expand in place), nil for optional parameters left out.
func (s *signature) validate(name string, args []Value, input Value, pos int) ([]Value, error) {
	syms := make([]byte, len(args))
	for i, a := range args {
		syms[i] = symbol(a)
	}
	// counts[i] is how many arguments parameter i takes; -1 is "from the
	// context".
	counts := make([]int, len(s.params))
	var match func(pi, ai int) bool
	match = func(pi, ai int) bool {
		if pi == len(s.params) {
			return ai == len(args)
		}
		p := s.params[pi]
		maxN := 1
		if p.variadic {
			maxN = len(args) - ai
		}
		for n := min(maxN, len(args)-ai); n >= 0; n-- {
			if n == 0 && !p.optional && !p.context {
				break
			}
			ok := true
			for k := 0; k < n; k++ {
				if !p.accepts(syms[ai+k]) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			counts[pi] = n
			if n == 0 && p.context {
				counts[pi] = -1
			}
			if match(pi+1, ai+n) {
				return true
			}
		}
		return false
	}
	if !match(0, 0) {
		// Report the first argument from which no assignment works.
		bad := len(args)
		for k := 0; k <= len(args); k++ {
			if !s.prefixMatches(syms[:k]) {
				bad = k
				break
			}
		}
		if bad == 0 {
			bad = 1
		}
		return nil, &Error{Code: "T0410", Position: pos, Token: name, Index: bad, Value: argAt(args, bad-1)}
	}
	out := make([]Value, 0, len(s.params))
	ai := 0
	for pi, p := range s.params {
		n := counts[pi]
		if n == -1 {
			if input != nil && !p.accepts(symbol(input)) {
				return nil, &Error{Code: "T0411", Position: pos, Token: name, Index: pi + 1, Value: input}
			}
			v, err := p.coerce(name, input, pi+1, pos)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		if n == 0 {
			out = append(out, nil)
			continue
		}
		for k := 0; k < n; k++ {
			v, err := p.coerce(name, args[ai], ai+1, pos)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			ai++
		}
	}
	return out, nil
}

func argAt(args []Value, i int) Value {
	if i >= 0 && i < len(args) {
		return args[i]
	}
	return nil
}

// prefixMatches reports whether some assignment of parameters takes the
// given leading arguments (more may follow).
func (s *signature) prefixMatches(syms []byte) bool {
	var match func(pi, ai int) bool
	match = func(pi, ai int) bool {
		if ai == len(syms) {
			return true
		}
		if pi == len(s.params) {
			return false
		}
		p := s.params[pi]
		if (p.optional || p.context) && match(pi+1, ai) {
			return true
		}
		if !p.accepts(syms[ai]) {
			return false
		}
		if p.variadic && match(pi, ai+1) {
			return true
		}
		return match(pi+1, ai+1)
	}
	return match(0, 0)
}

// coerce wraps a single value for an array parameter and checks array
// element types.
func (p param) coerce(name string, v Value, index, pos int) (Value, error) {
	if v == nil || strings.IndexByte(p.types, 'a') < 0 {
		return v, nil
	}
	items, isArr := Items(v)
	if !isArr {
		if strings.IndexByte(p.types, symbol(v)) >= 0 && p.types != "a" {
			return v, nil
		}
		items = []Value{v}
		v = items
	}
	if p.sub != "" {
		for _, e := range items {
			if strings.IndexByte(p.sub, symbol(e)) < 0 {
				return nil, &Error{Code: "T0412", Position: pos, Token: name, Index: index, Value: e, Type: typeWord(p.sub)}
			}
		}
	}
	return v, nil
}

func typeWord(sub string) string {
	switch sub {
	case "n":
		return "number"
	case "s":
		return "string"
	case "b":
		return "boolean"
	case "o":
		return "object"
	case "a":
		return "array"
	case "f":
		return "function"
	}
	return sub
}
