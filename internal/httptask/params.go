package httptask

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// Resource is the Task state Resource of the HTTP Task.
const Resource = "arn:aws:states:::http:invoke"

// Fields of the HTTP Task's Parameters.
const (
	FieldApiEndpoint      = "ApiEndpoint"
	FieldMethod           = "Method"
	FieldAuthentication   = "Authentication"
	FieldInvocationConfig = "InvocationConfig"
	FieldConnectionArn    = "ConnectionArn"
	FieldHeaders          = "Headers"
	FieldQueryParameters  = "QueryParameters"
	FieldRequestBody      = "RequestBody"
	FieldTransform        = "Transform"

	fieldRequestBodyEncoding    = "RequestBodyEncoding"
	fieldRequestEncodingOptions = "RequestEncodingOptions"
	fieldArrayFormat            = "ArrayFormat"
)

// Methods are the HTTP methods an HTTP Task may use, in the order the AWS
// documentation lists them.
var Methods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}

// Values of Transform.RequestBodyEncoding.
const (
	EncodingNone       = "NONE"
	EncodingURLEncoded = "URL_ENCODED"
)

// ParameterError is a problem with the HTTP Task's Parameters. Pointer is a
// JSON pointer to the offending field, relative to Parameters; Message
// names the field and is what the task's States.Runtime cause says.
type ParameterError struct {
	Pointer string
	Message string
}

func (e *ParameterError) Error() string { return e.Message }

// ValidateParameters checks the Parameters (or JSONata Arguments) template
// of an HTTP Task as written in a state machine definition. Fields whose
// value is computed at run time (a key ending in ".$" or a "{% ... %}"
// JSONata string) are only checked for their name; everything static is
// checked as Invoke would check it. It returns nil or a *ParameterError.
//
// A missing ConnectionArn is accepted: Sluice calls such endpoints without
// authorization (AWS requires a connection).
func ValidateParameters(params jsonvalue.Value) error {
	p := parser{static: true}
	if _, perr := p.parse(params); perr != nil {
		return perr
	}
	return nil
}

// request is the HTTP request an HTTP Task's Parameters describe, before
// the connection is applied.
type request struct {
	url           *url.URL
	method        string
	connectionArn string
	headers       []headerField
	query         []pair
	body          jsonvalue.Value
	hasBody       bool
	urlEncoded    bool
	arrayFormat   ArrayFormat
}

type headerField struct {
	name   string
	values []string
}

// parser reads Parameters. In static mode it reads a definition's template
// and skips values computed at run time; otherwise it reads the effective
// Parameters of a task and builds the request.
type parser struct {
	static       bool
	requireHTTPS bool
}

func perr(pointer, format string, args ...any) *ParameterError {
	return &ParameterError{Pointer: pointer, Message: fmt.Sprintf(format, args...)}
}

// pointerTo appends a key to a JSON pointer, escaped as RFC 6901 says.
func pointerTo(base, key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return base + "/" + key
}

// key returns the field name a template key stands for and whether its
// value is a path evaluated at run time.
func (p *parser) key(k string) (string, bool) {
	if p.static && strings.HasSuffix(k, ".$") {
		return strings.TrimSuffix(k, ".$"), true
	}
	return k, false
}

// dynamic reports whether a template value is computed at run time.
func (p *parser) dynamic(v jsonvalue.Value) bool {
	if !p.static {
		return false
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// show prints a value for an error message, shortened.
func show(v jsonvalue.Value) string {
	s := jsonvalue.Marshal(v)
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

func (p *parser) parse(params jsonvalue.Value) (*request, *ParameterError) {
	if p.dynamic(params) {
		return nil, nil
	}
	obj, ok := params.(*jsonvalue.Object)
	if !ok {
		if params == nil {
			return nil, perr("", "The Parameters of an HTTP Task must be a JSON object with the fields '%s' and '%s'", FieldApiEndpoint, FieldMethod)
		}
		return nil, perr("", "The Parameters of an HTTP Task must be a JSON object, not %s", jsonvalue.TypeName(params))
	}
	r := &request{arrayFormat: Indices}
	seen := make(map[string]string, obj.Len())
	var transformURLEncoded bool
	for i := range obj.Len() {
		k, v := obj.At(i)
		name, dyn := p.key(k)
		ptr := pointerTo("", k)
		if prev, dup := seen[name]; dup {
			return nil, perr(ptr, "The field '%s' is given twice, as '%s' and as '%s'", name, prev, k)
		}
		seen[name] = k
		dyn = dyn || p.dynamic(v)
		var e *ParameterError
		switch name {
		case FieldApiEndpoint:
			if !dyn {
				r.url, e = p.endpoint(ptr, v)
			}
		case FieldMethod:
			if !dyn {
				r.method, e = method(ptr, v)
			}
		case FieldAuthentication, FieldInvocationConfig:
			if !dyn {
				r.connectionArn, e = p.connection(ptr, name, v)
			}
		case FieldHeaders:
			r.headers, e = p.parseHeaders(ptr, v, dyn)
		case FieldQueryParameters:
			if !dyn {
				r.query, e = queryParameters(ptr, v)
			}
		case FieldRequestBody:
			if v != nil || dyn {
				r.body, r.hasBody = v, !dyn
			}
		case FieldTransform:
			if !dyn {
				transformURLEncoded, r.arrayFormat, e = p.transform(ptr, v)
			}
		default:
			e = perr(ptr, "The field '%s' is not supported by Step Functions in the Parameters of an HTTP Task; the fields are %s", name, strings.Join([]string{
				FieldApiEndpoint, FieldMethod, FieldAuthentication, FieldInvocationConfig, FieldHeaders, FieldQueryParameters, FieldRequestBody, FieldTransform}, ", "))
		}
		if e != nil {
			return nil, e
		}
	}
	for _, required := range []string{FieldApiEndpoint, FieldMethod} {
		if _, ok := seen[required]; !ok {
			return nil, perr("", "The field '%s' is required in the Parameters of an HTTP Task", required)
		}
	}
	if a, ok := seen[FieldAuthentication]; ok {
		if ic, ok := seen[FieldInvocationConfig]; ok {
			return nil, perr(pointerTo("", ic), "Specify the connection in either '%s' or '%s', not both", a, ic)
		}
	}
	r.urlEncoded = transformURLEncoded
	if r.urlEncoded && r.hasBody {
		switch r.body.(type) {
		case *jsonvalue.Object, string:
		default:
			return nil, perr(pointerTo("", seen[FieldRequestBody]),
				"The field '%s' must be a JSON object (or an already encoded string) when Transform.%s is %s, not %s",
				FieldRequestBody, fieldRequestBodyEncoding, EncodingURLEncoded, jsonvalue.TypeName(r.body))
		}
	}
	return r, nil
}

func (p *parser) endpoint(ptr string, v jsonvalue.Value) (*url.URL, *ParameterError) {
	s, ok := v.(string)
	if !ok {
		return nil, perr(ptr, "The field '%s' must be a string holding the URL of the API, not %s", FieldApiEndpoint, jsonvalue.TypeName(v))
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, perr(ptr, "The field '%s' must be an absolute https:// URL; found %s", FieldApiEndpoint, show(v))
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
	case scheme == "http" && !p.requireHTTPS:
	default:
		if p.requireHTTPS {
			return nil, perr(ptr, "The field '%s' must be an https:// URL; found %s", FieldApiEndpoint, show(v))
		}
		return nil, perr(ptr, "The field '%s' must be an https:// (or, in Sluice, http://) URL; found %s", FieldApiEndpoint, show(v))
	}
	if u.User != nil {
		return nil, perr(ptr, "The field '%s' must not hold user information; put credentials in an EventBridge connection", FieldApiEndpoint)
	}
	u.Scheme = scheme
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func method(ptr string, v jsonvalue.Value) (string, *ParameterError) {
	s, ok := v.(string)
	if ok {
		for _, m := range Methods {
			if s == m {
				return s, nil
			}
		}
	}
	return "", perr(ptr, "The field '%s' must be one of %s; found %s", FieldMethod, strings.Join(Methods, ", "), show(v))
}

// connection reads Authentication or InvocationConfig.
func (p *parser) connection(ptr, field string, v jsonvalue.Value) (string, *ParameterError) {
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		return "", perr(ptr, "The field '%s' must be a JSON object with the field '%s', not %s", field, FieldConnectionArn, jsonvalue.TypeName(v))
	}
	arn, found := "", false
	for i := range obj.Len() {
		k, val := obj.At(i)
		name, dyn := p.key(k)
		kptr := pointerTo(ptr, k)
		if name != FieldConnectionArn {
			return "", perr(kptr, "The field '%s.%s' is not supported; '%s' holds only '%s'", field, name, field, FieldConnectionArn)
		}
		if found {
			return "", perr(kptr, "The field '%s.%s' is given twice", field, name)
		}
		found = true
		if dyn || p.dynamic(val) {
			continue
		}
		s, ok := val.(string)
		if !ok || s == "" {
			return "", perr(kptr, "The field '%s.%s' must be the ARN of an EventBridge connection; found %s", field, FieldConnectionArn, show(val))
		}
		arn = s
	}
	if !found {
		return "", perr(ptr, "The field '%s' must hold the field '%s'", field, FieldConnectionArn)
	}
	return arn, nil
}

// forbiddenHeaders are the request headers AWS refuses in an HTTP Task's
// Headers (lower case); the prefixes x-forwarded-, x-amz- and x-amzn- are
// refused as well.
var forbiddenHeaders = map[string]bool{
	"a-im": true, "accept-charset": true, "accept-datetime": true, "accept-encoding": true,
	"authorization": true, "cache-control": true, "connection": true, "content-encoding": true,
	"content-md5": true, "date": true, "expect": true, "forwarded": true, "from": true,
	"host": true, "http2-settings": true, "if-match": true, "if-modified-since": true,
	"if-none-match": true, "if-range": true, "if-unmodified-since": true, "max-forwards": true,
	"origin": true, "pragma": true, "proxy-authorization": true, "referer": true, "server": true,
	"te": true, "trailer": true, "transfer-encoding": true, "upgrade": true, "via": true,
	"warning": true,
}

// ForbiddenHeader reports whether AWS refuses the header name in an HTTP
// Task's Headers field.
func ForbiddenHeader(name string) bool {
	n := strings.ToLower(name)
	return forbiddenHeaders[n] || strings.HasPrefix(n, "x-forwarded-") ||
		strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-amzn-")
}

func (p *parser) parseHeaders(ptr string, v jsonvalue.Value, dyn bool) ([]headerField, *ParameterError) {
	if dyn {
		return nil, nil
	}
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		return nil, perr(ptr, "The field '%s' must be a JSON object of header names and values, not %s", FieldHeaders, jsonvalue.TypeName(v))
	}
	var out []headerField
	for i := range obj.Len() {
		k, val := obj.At(i)
		name, kdyn := p.key(k)
		kptr := pointerTo(ptr, k)
		if !validHeaderName(name) {
			return nil, perr(kptr, "The header name %s in the field '%s' is not a valid HTTP header name", show(name), FieldHeaders)
		}
		if ForbiddenHeader(name) {
			return nil, perr(kptr, "The header '%s' in the field '%s' is not supported: Step Functions does not allow it in an HTTP Task", name, FieldHeaders)
		}
		if kdyn || p.dynamic(val) {
			continue
		}
		values, e := p.headerValues(kptr, name, val)
		if e != nil {
			return nil, e
		}
		if len(values) > 0 {
			out = append(out, headerField{name: name, values: values})
		}
	}
	return out, nil
}

// headerValues reads one header's value: a string, number or boolean, or
// an array of them for a header sent several times. Null sends nothing.
func (p *parser) headerValues(ptr, name string, v jsonvalue.Value) ([]string, *ParameterError) {
	if arr, ok := v.([]jsonvalue.Value); ok {
		out := make([]string, 0, len(arr))
		for i, e := range arr {
			if p.dynamic(e) {
				continue
			}
			s, ok := scalarText(e)
			if !ok || e == nil {
				return nil, perr(fmt.Sprintf("%s/%d", ptr, i), "The values of the header '%s' must be strings, numbers or booleans; found %s", name, show(e))
			}
			if !validHeaderValue(s) {
				return nil, perr(fmt.Sprintf("%s/%d", ptr, i), "The value of the header '%s' holds a control character", name)
			}
			out = append(out, s)
		}
		return out, nil
	}
	if v == nil {
		return nil, nil
	}
	s, ok := scalarText(v)
	if !ok {
		return nil, perr(ptr, "The value of the header '%s' must be a string, number, boolean or an array of them; found %s", name, show(v))
	}
	if !validHeaderValue(s) {
		return nil, perr(ptr, "The value of the header '%s' holds a control character", name)
	}
	return []string{s}, nil
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s has no control characters but tab.
func validHeaderValue(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// scalarText returns the text a string, number, boolean or null is sent
// as: numbers as written, null as the empty string.
func scalarText(v jsonvalue.Value) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case jsonvalue.Number:
		if x == "" {
			return "0", true
		}
		return string(x), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// queryParameters flattens QueryParameters to name/value pairs: arrays
// repeat the name, objects nest with brackets, as the REPEAT array format
// of the form encoding does.
func queryParameters(ptr string, v jsonvalue.Value) ([]pair, *ParameterError) {
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, perr(ptr, "The field '%s' must be a JSON object of parameter names and values, not %s", FieldQueryParameters, jsonvalue.TypeName(v))
	}
	return formPairs(obj, Repeat), nil
}

func (p *parser) transform(ptr string, v jsonvalue.Value) (bool, ArrayFormat, *ParameterError) {
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		return false, Indices, perr(ptr, "The field '%s' must be a JSON object with the fields '%s' and '%s', not %s", FieldTransform, fieldRequestBodyEncoding, fieldRequestEncodingOptions, jsonvalue.TypeName(v))
	}
	encoded, format := false, Indices
	for i := range obj.Len() {
		k, val := obj.At(i)
		name, dyn := p.key(k)
		kptr := pointerTo(ptr, k)
		dyn = dyn || p.dynamic(val)
		switch name {
		case fieldRequestBodyEncoding:
			if dyn {
				continue
			}
			switch val {
			case EncodingNone:
			case EncodingURLEncoded:
				encoded = true
			default:
				return false, Indices, perr(kptr, "The field '%s.%s' must be %s or %s; found %s", FieldTransform, name, EncodingNone, EncodingURLEncoded, show(val))
			}
		case fieldRequestEncodingOptions:
			if dyn {
				continue
			}
			f, e := p.encodingOptions(kptr, val)
			if e != nil {
				return false, Indices, e
			}
			format = f
		default:
			return false, Indices, perr(kptr, "The field '%s.%s' is not supported; '%s' holds '%s' and '%s'", FieldTransform, name, FieldTransform, fieldRequestBodyEncoding, fieldRequestEncodingOptions)
		}
	}
	return encoded, format, nil
}

func (p *parser) encodingOptions(ptr string, v jsonvalue.Value) (ArrayFormat, *ParameterError) {
	obj, ok := v.(*jsonvalue.Object)
	if !ok {
		return Indices, perr(ptr, "The field '%s.%s' must be a JSON object with the field '%s', not %s", FieldTransform, fieldRequestEncodingOptions, fieldArrayFormat, jsonvalue.TypeName(v))
	}
	format := Indices
	for i := range obj.Len() {
		k, val := obj.At(i)
		name, dyn := p.key(k)
		kptr := pointerTo(ptr, k)
		if name != fieldArrayFormat {
			return Indices, perr(kptr, "The field '%s.%s.%s' is not supported; '%s' holds only '%s'", FieldTransform, fieldRequestEncodingOptions, name, fieldRequestEncodingOptions, fieldArrayFormat)
		}
		if dyn || p.dynamic(val) {
			continue
		}
		s, _ := val.(string)
		f, ok := ParseArrayFormat(s)
		if !ok {
			return Indices, perr(kptr, "The field '%s.%s.%s' must be one of INDICES, REPEAT, COMMAS, BRACKETS; found %s", FieldTransform, fieldRequestEncodingOptions, name, show(val))
		}
		format = f
	}
	return format, nil
}
