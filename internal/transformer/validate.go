package transformer

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Limits of the EventBridge API model.
const (
	// MaxInputLength is the longest Input, in UTF-16 code units.
	MaxInputLength = 8192
	// MaxTemplateLength is the longest InputTemplate.
	MaxTemplateLength = 8192
	// MaxPathLength is the longest InputPath and InputPathsMap value.
	MaxPathLength = 256
	// MaxPathsMapEntries is the most InputPathsMap entries.
	MaxPathsMapEntries = 100
	// MaxPathsMapKeyLength is the longest InputPathsMap key.
	MaxPathsMapKeyLength = 256
)

// Constraint texts as AWS's request validation words them.
const (
	keyConstraint   = "Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]"
	valueConstraint = "Map value must satisfy constraint: [Member must have length less than or equal to 256]"
)

// checkConstraints applies the length, size and pattern constraints of the
// API model, which AWS checks before anything else and reports all
// together: "2 validation errors detected: Value ... ; Value ...".
func checkConstraints(spec Spec, hasTransformer bool) error {
	index := spec.Index
	if index < 1 {
		index = 1
	}
	at := "targets." + strconv.Itoa(index) + ".member."
	var msgs []string
	fail := func(value, field, constraint string) {
		msgs = append(msgs, fmt.Sprintf("Value %s at '%s%s' failed to satisfy constraint: %s", value, at, field, constraint))
	}
	if s := spec.Input; s != nil && utf16Len(*s) > MaxInputLength {
		fail(quoted(*s), "input", "Member must have length less than or equal to 8192")
	}
	if s := spec.InputPath; s != nil && utf16Len(*s) > MaxPathLength {
		fail(quoted(*s), "inputPath", "Member must have length less than or equal to 256")
	}
	if hasTransformer {
		m := spec.InputPathsMap
		if len(m) > MaxPathsMapEntries {
			fail(quoted(javaMapString(m)), "inputTransformer.inputPathsMap", "Member must have length less than or equal to 100")
		}
		badKey, badValue := false, false
		for k, v := range m {
			if n := utf16Len(k); n < 1 || n > MaxPathsMapKeyLength || !validKey(k) {
				badKey = true
			}
			if utf16Len(v) > MaxPathLength {
				badValue = true
			}
		}
		if badKey {
			fail(quoted(javaMapString(m)), "inputTransformer.inputPathsMap", keyConstraint)
		}
		if badValue {
			fail(quoted(javaMapString(m)), "inputTransformer.inputPathsMap", valueConstraint)
		}
		switch tpl := spec.InputTemplate; {
		case tpl == nil:
			fail("null", "inputTransformer.inputTemplate", "Member must not be null")
		case *tpl == "":
			fail(quoted(*tpl), "inputTransformer.inputTemplate", "Member must have length greater than or equal to 1")
		case utf16Len(*tpl) > MaxTemplateLength:
			fail(quoted(*tpl), "inputTransformer.inputTemplate", "Member must have length less than or equal to 8192")
		}
	}
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return &Error{Message: "1 validation error detected: " + msgs[0]}
	}
	return &Error{Message: fmt.Sprintf("%d validation errors detected: %s", len(msgs), strings.Join(msgs, "; "))}
}

// validKey reports whether an InputPathsMap key matches [A-Za-z0-9\_\-]+.
func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return k != ""
}

func quoted(s string) string { return "'" + s + "'" }

// utf16Len returns the length of s as Java counts it, in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// javaHash returns Java's String.hashCode of s.
func javaHash(s string) uint32 {
	var h uint32
	for _, r := range s {
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			h = 31*h + uint32(r1)
			h = 31*h + uint32(r2)
			continue
		}
		h = 31*h + uint32(r)
	}
	return h
}

// javaMapString prints a map as AWS's messages show it, the toString of a
// Java HashMap: {k1=v1, k2=v2} in the order of the map's hash buckets. Keys
// sharing a bucket print in the order of the request, which a Go map has
// lost; they are sorted instead.
func javaMapString(m map[string]string) string {
	capacity := 16
	for len(m) > capacity*3/4 {
		capacity *= 2
	}
	bucket := func(k string) uint32 {
		h := javaHash(k)
		return (h ^ h>>16) & uint32(capacity-1)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		bi, bj := bucket(keys[i]), bucket(keys[j])
		if bi != bj {
			return bi < bj
		}
		return keys[i] < keys[j]
	})
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(m[k])
	}
	sb.WriteByte('}')
	return sb.String()
}

// maxSnippet is how much of the source Jackson quotes in a location.
const maxSnippet = 500

// jacksonLocation describes where Input fails to parse as the Jackson
// parser behind EventBridge does: [Source: (String)"env:dev"; line: 1,
// column: 4]. Jackson points just past what it consumed: the whole word
// for a misspelled literal, the offending character otherwise, the end of
// the text when it ran out.
func jacksonLocation(src string, err error) string {
	pos := len(src)
	var se *jsonvalue.SyntaxError
	if errors.As(err, &se) && se.Offset < len(src) {
		pos = se.Offset
		if isIdentPart(src[pos]) {
			for pos < len(src) && isIdentPart(src[pos]) {
				pos++
			}
		} else {
			_, size := utf8.DecodeRuneInString(src[pos:])
			pos += size
		}
	}
	line, lineStart := 1, 0
	for i := 0; i < pos; i++ {
		switch src[i] {
		case '\n':
			line++
			lineStart = i + 1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			line++
			lineStart = i + 1
		}
	}
	column := utf16Len(src[lineStart:pos]) + 1

	snippet, rest := src, 0
	if units := utf16.Encode([]rune(src)); len(units) > maxSnippet {
		snippet = string(utf16.Decode(units[:maxSnippet]))
		rest = len(units) - maxSnippet
	}
	var sb strings.Builder
	sb.WriteString(`[Source: (String)"`)
	sb.WriteString(snippet)
	sb.WriteByte('"')
	if rest > 0 {
		fmt.Fprintf(&sb, "[truncated %d chars]", rest)
	}
	fmt.Fprintf(&sb, "; line: %d, column: %d]", line, column)
	return sb.String()
}

// isIdentPart approximates Java's Character.isJavaIdentifierPart, with
// which Jackson collects the rest of an unrecognized token.
func isIdentPart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}
