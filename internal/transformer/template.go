package transformer

import (
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/asl/jsonpath"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// The predefined variables, usable in a template without an InputPathsMap
// entry. Their names contain dots, which InputPathsMap keys cannot, so no
// entry can shadow them.
const (
	varRuleArn       = "aws.events.rule-arn"
	varRuleName      = "aws.events.rule-name"
	varIngestionTime = "aws.events.event.ingestion-time"
	varEvent         = "aws.events.event"
	varEventJSON     = "aws.events.event.json"
)

// predefined identifies a predefined variable; predefUser is a variable of
// the InputPathsMap.
type predefined int

const (
	predefUser predefined = iota
	predefRuleArn
	predefRuleName
	predefIngestionTime
	predefEvent
	predefEventJSON
)

var predefinedNames = map[string]predefined{
	varRuleArn:       predefRuleArn,
	varRuleName:      predefRuleName,
	varIngestionTime: predefIngestionTime,
	varEvent:         predefEvent,
	varEventJSON:     predefEventJSON,
}

// eventKeys are the members of aws.events.event in the order EventBridge
// prints them: the event without its detail, detail-type spelled
// detailType.
var eventKeys = [...][2]string{
	{"id", "id"},
	{"account", "account"},
	{"detail-type", "detailType"},
	{"time", "time"},
	{"source", "source"},
	{"region", "region"},
	{"resources", "resources"},
	{"version", "version"},
}

// segment is a piece of a compiled template: literal text when ref is -1,
// otherwise the placeholder vars[ref].
type segment struct {
	lit      string
	ref      int
	inString bool // the placeholder stands inside a string of a JSON template
}

// variable is a distinct placeholder of a template.
type variable struct {
	name string
	kind predefined
	path *jsonpath.Path // predefUser: nil when the path does not parse
}

// placeholder is one <name> in a template, from byte start to end.
type placeholder struct {
	start, end int
	name       string
}

// findPlaceholders returns the placeholders of a template as EventBridge
// sees them: a '<', then the shortest run of characters other than a line
// feed, then a '>'. The brackets cannot be escaped.
func findPlaceholders(s string) []placeholder {
	var out []placeholder
	for i := 0; i < len(s); {
		if s[i] != '<' {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '>' && s[j] != '\n' {
			j++
		}
		if j < len(s) && s[j] == '>' {
			out = append(out, placeholder{start: i, end: j + 1, name: s[i+1 : j]})
			i = j + 1
			continue
		}
		i++
	}
	return out
}

// isJSONTemplate reports whether a template is a JSON object: its first
// character other than JSON white space is '{'.
func isJSONTemplate(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// compileTemplate checks that every placeholder of an InputTemplate is
// defined and splits the template into segments.
func compileTemplate(tpl string, paths map[string]string, targetID string) (*Transformer, error) {
	t := &Transformer{kind: KindTemplate, json: isJSONTemplate(tpl)}
	index := map[string]int{}
	inString, escaped := false, false
	scan := func(lit string) {
		if !t.json {
			return
		}
		for i := 0; i < len(lit); i++ {
			c := lit[i]
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			}
		}
	}
	pos := 0
	for _, ph := range findPlaceholders(tpl) {
		ref, ok := index[ph.name]
		if !ok {
			v := variable{name: ph.name, kind: predefinedNames[ph.name]}
			if v.kind == predefUser {
				src, defined := paths[ph.name]
				if !defined {
					return nil, &Error{Message: fmt.Sprintf("InputTemplate for target %s contains invalid placeholder %s.", targetID, ph.name)}
				}
				// As for InputPath, a path that does not parse is not an
				// error here; it selects nothing when the target is invoked.
				v.path, _ = jsonpath.Parse(src)
			}
			ref = len(t.vars)
			index[ph.name] = ref
			t.vars = append(t.vars, v)
		}
		if ph.start > pos {
			lit := tpl[pos:ph.start]
			scan(lit)
			t.segs = append(t.segs, segment{lit: lit, ref: -1})
		}
		// A backslash just before a placeholder escapes nothing.
		escaped = false
		t.segs = append(t.segs, segment{ref: ref, inString: inString})
		pos = ph.end
	}
	if pos < len(tpl) {
		t.segs = append(t.segs, segment{lit: tpl[pos:], ref: -1})
	}
	return t, nil
}

// resolved is the value of a placeholder for one event. raw, when set, is
// JSON text inserted as it is in every context.
type resolved struct {
	present bool
	v       jsonvalue.Value
	raw     []byte
}

// resolve evaluates a placeholder for one event.
func (v *variable) resolve(event jsonvalue.Value, rawEvent []byte, ctx Context) resolved {
	switch v.kind {
	case predefRuleArn:
		return resolved{present: true, v: ctx.RuleArn}
	case predefRuleName:
		return resolved{present: true, v: ctx.RuleName}
	case predefIngestionTime:
		return resolved{present: true, v: formatInstant(ctx.IngestionTime)}
	case predefEvent:
		return resolved{present: true, raw: jsonvalue.Append(nil, eventWithoutDetail(event))}
	case predefEventJSON:
		return resolved{present: true, raw: eventBytes(event, rawEvent)}
	}
	if v.path == nil {
		return resolved{}
	}
	x, err := v.path.Eval(&jsonpath.Env{Input: event})
	if err != nil {
		return resolved{}
	}
	if a, ok := x.([]jsonvalue.Value); ok && len(a) == 0 && !v.path.Definite() {
		// An indefinite path that matched nothing.
		return resolved{}
	}
	return resolved{present: true, v: x}
}

// render fills the template for one event.
func (t *Transformer) render(event jsonvalue.Value, rawEvent []byte, ctx Context) ([]byte, error) {
	vals := make([]resolved, len(t.vars))
	for i := range t.vars {
		vals[i] = t.vars[i].resolve(event, rawEvent, ctx)
	}
	var buf []byte
	for _, s := range t.segs {
		if s.ref < 0 {
			buf = append(buf, s.lit...)
			continue
		}
		buf = appendValue(buf, vals[s.ref], t.json, s.inString)
	}
	if !t.json {
		if buf == nil {
			buf = []byte{}
		}
		return buf, nil
	}
	v, err := jsonvalue.Parse(buf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	return jsonvalue.Append(make([]byte, 0, len(buf)), v), nil
}

// appendValue inserts a placeholder's value: in JSON form as a value of a
// JSON template, as its text elsewhere. Strings are not escaped.
func appendValue(dst []byte, r resolved, jsonTemplate, inString bool) []byte {
	valuePosition := jsonTemplate && !inString
	if !r.present {
		if valuePosition {
			return append(dst, `""`...)
		}
		return dst
	}
	if r.raw != nil {
		return append(dst, r.raw...)
	}
	switch x := r.v.(type) {
	case string:
		if valuePosition {
			dst = append(dst, '"')
			dst = append(dst, x...)
			return append(dst, '"')
		}
		return append(dst, x...)
	case *jsonvalue.Object, []jsonvalue.Value:
		if jsonTemplate {
			return jsonvalue.Append(dst, x)
		}
		return appendUnquoted(dst, x)
	}
	return jsonvalue.Append(dst, r.v)
}

// appendUnquoted appends the compact JSON of an object or array with every
// quote removed, as EventBridge inserts one into a text template:
// {"a":["b"]} becomes {a:[b]}.
func appendUnquoted(dst []byte, v jsonvalue.Value) []byte {
	enc := jsonvalue.Append(nil, v)
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		switch {
		case c == '"':
			continue
		case c == '\\' && i+1 < len(enc) && enc[i+1] == '"':
			i++ // an escaped quote goes too
			continue
		case c == '\\' && i+1 < len(enc):
			dst = append(dst, c, enc[i+1])
			i++
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// eventWithoutDetail returns the value of aws.events.event.
func eventWithoutDetail(event jsonvalue.Value) *jsonvalue.Object {
	src, _ := event.(*jsonvalue.Object)
	out := jsonvalue.NewObject(len(eventKeys))
	for _, k := range eventKeys {
		if v, ok := src.Get(k[0]); ok {
			out.Append(k[1], v)
		}
	}
	return out
}

// formatInstant prints a time in ISO 8601 as Java's Instant does, to the
// millisecond EventBridge keeps: 2024-06-11T08:33:10.123Z, or
// 2024-06-11T08:33:10Z on a whole second.
func formatInstant(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}
