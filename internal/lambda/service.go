package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/function"
	"github.com/sluice-run/sluice/internal/store"
)

const kindFunction = "function"

// Config configures the service.
type Config struct {
	Store   store.Store
	Account string
	Region  string
	// Dir holds the functions' code and the runtime bootstraps.
	Dir    string
	Logger *slog.Logger
}

// Service serves the Lambda API and runs functions.
type Service struct {
	cfg Config
	st  store.Store
	log *slog.Logger
	rts *function.Runtimes

	mu    sync.Mutex // serialises changes to functions
	pools map[string]*poolEntry
	async *asyncQueue
}

// poolEntry is the running pool of one revision of a function.
type poolEntry struct {
	revision string
	pool     *function.Pool
	logs     *lineLog
}

// New opens the service.
func New(cfg Config) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rts, err := function.NewRuntimes(filepath.Join(cfg.Dir, "runtimes"))
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: cfg.Store, log: cfg.Logger, rts: rts, pools: map[string]*poolEntry{}}
	if err := s.startAsync(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops running queued events (they stay queued) and every
// function instance.
func (s *Service) Close(ctx context.Context) error {
	s.async.close(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, e := range s.pools {
		e.pool.Close()
		delete(s.pools, name)
	}
	return nil
}

// lambdaError is a Lambda API error: an exception name, a message and an
// HTTP status.
type lambdaError struct {
	code   string
	msg    string
	status int
}

func (e *lambdaError) Error() string { return e.code + ": " + e.msg }

func invalidParam(format string, args ...any) error {
	return &lambdaError{code: "InvalidParameterValueException", msg: fmt.Sprintf(format, args...), status: 400}
}

func notFound(arn string) error {
	return &lambdaError{code: "ResourceNotFoundException", msg: "Function not found: " + arn, status: 404}
}

// Route reports whether r is a Lambda API request, and its operation.
func Route(r *http.Request) (op string, ok bool) {
	op, _, _ = route(r)
	return op, op != ""
}

const (
	prefix     = "/2015-03-31/functions"
	tagsPrefix = "/2017-03-31/tags/"
)

func route(r *http.Request) (op, name, sub string) {
	p := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(p, tagsPrefix); ok {
		arn, err := url.PathUnescape(rest)
		if err != nil || !strings.Contains(arn, ":lambda:") {
			return "", "", ""
		}
		switch r.Method {
		case http.MethodGet:
			return "ListTags", arn, ""
		case http.MethodPost:
			return "TagResource", arn, ""
		case http.MethodDelete:
			return "UntagResource", arn, ""
		}
		return "", "", ""
	}
	if !strings.HasPrefix(p, prefix) {
		return "", "", ""
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(p, prefix), "/")
	if rest == "" {
		switch r.Method {
		case http.MethodPost:
			return "CreateFunction", "", ""
		case http.MethodGet:
			return "ListFunctions", "", ""
		}
		return "", "", ""
	}
	name, sub, _ = strings.Cut(rest, "/")
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	switch {
	case sub == "" && r.Method == http.MethodGet:
		op = "GetFunction"
	case sub == "" && r.Method == http.MethodDelete:
		op = "DeleteFunction"
	case sub == "configuration" && r.Method == http.MethodGet:
		op = "GetFunctionConfiguration"
	case sub == "configuration" && r.Method == http.MethodPut:
		op = "UpdateFunctionConfiguration"
	case sub == "code" && r.Method == http.MethodPut:
		op = "UpdateFunctionCode"
	case sub == "invocations" && r.Method == http.MethodPost:
		op = "Invoke"
	case sub == "policy" && r.Method == http.MethodPost:
		op = "AddPermission"
	case sub == "policy" && r.Method == http.MethodGet:
		op = "GetPolicy"
	case strings.HasPrefix(sub, "policy/") && r.Method == http.MethodDelete:
		op = "RemovePermission"
	default:
		op, _ = versionRoute(r.Method, sub)
	}
	return op, name, sub
}

// CodePath is where GetFunction's Code.Location points: the stored zip of
// a function's code, by its directory under the functions directory.
const CodePath = "/sluice/lambda/code/"

// ServeCode serves a stored code zip (GET CodePath + NAME/DIGEST/code.zip).
func (s *Service) ServeCode(w http.ResponseWriter, r *http.Request) {
	rel, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), CodePath))
	dir, file := filepath.Split(rel)
	parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
	if err != nil || r.Method != http.MethodGet || file != "code.zip" || len(parts) != 2 || !safePath(rel) ||
		parts[0] == "" || len(parts[1]) != 64 || strings.Trim(parts[1], "0123456789abcdef") != "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	http.ServeFile(w, r, filepath.Join(s.cfg.Dir, "functions", parts[0], parts[1], "code.zip"))
}

// ServeHTTP serves one Lambda API request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, name, sub := route(r)
	region := awsapi.Region(r)
	if region == "" {
		region = s.cfg.Region
	}
	var err error
	switch op {
	case "CreateFunction":
		err = s.create(w, r, region)
	case "ListFunctions":
		err = s.list(w, r)
	case "GetFunction", "GetFunctionConfiguration":
		err = s.get(w, r, name, region, op == "GetFunction")
	case "DeleteFunction":
		err = s.delete(w, r, name, region)
	case "UpdateFunctionConfiguration":
		err = s.updateConfig(w, r, name, region)
	case "UpdateFunctionCode":
		err = s.updateCode(w, r, name, region)
	case "Invoke":
		err = s.invokeHTTP(w, r, name, region)
	case "AddPermission":
		err = s.addPermission(w, r, name, region)
	case "GetPolicy":
		err = s.getPolicy(w, r, name, region)
	case "RemovePermission":
		sid, _ := url.PathUnescape(strings.TrimPrefix(sub, "policy/"))
		err = s.removePermission(w, r, name, region, sid)
	case "ListTags", "TagResource", "UntagResource":
		err = s.tags(w, r, op, name)
	case "PublishVersion":
		err = s.publishVersion(w, r, name, region)
	case "ListVersionsByFunction":
		err = s.listVersions(w, r, name, region)
	case "CreateAlias", "GetAlias", "UpdateAlias", "DeleteAlias", "ListAliases":
		_, alias := versionRoute(r.Method, sub)
		err = s.aliasOp(w, r, op, name, region, alias)
	default:
		err = &lambdaError{code: "UnknownOperationException", msg: "Unknown operation " + r.Method + " " + r.URL.Path, status: 400}
	}
	if err != nil {
		writeError(w, err)
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		writeError(w, fmt.Errorf("lambda: encode response: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, err error) {
	var le *lambdaError
	if !errors.As(err, &le) {
		var ae *awsapi.Error
		if errors.As(err, &ae) {
			le = &lambdaError{code: ae.Code, msg: ae.Message, status: ae.Status}
		} else {
			le = &lambdaError{code: "ServiceException", msg: err.Error(), status: 500}
		}
	}
	if le.status == 0 {
		le.status = 400
	}
	b, _ := json.Marshal(map[string]string{"Type": "User", "message": le.msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-amzn-ErrorType", le.code)
	h.Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(le.status)
	_, _ = w.Write(b)
}

// functionName is the pattern of FunctionName (a name, an ARN or a
// partial ARN, with an optional qualifier).
var functionName = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// resolve turns a FunctionName parameter into the function's name, ARN
// and qualifier.
func (s *Service) resolve(param, region string) (name, arn, qualifier string, err error) {
	if param == "" || len(param) > 170 || !functionName.MatchString(param) {
		return "", "", "", awsapi.ValidationField(param, "functionName",
			"Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
	}
	m := functionName.FindStringSubmatch(param)
	name, qualifier = m[10], m[12]
	if len(name) > 64 {
		return "", "", "", awsapi.ValidationField(param, "functionName", "Member must have length less than or equal to 64")
	}
	if r := strings.TrimSuffix(m[3], ":"); r != "" {
		region = r // an ARN names its own region
	}
	return name, s.arn(name, region), qualifier, nil
}

func (s *Service) arn(name, region string) string {
	return "arn:aws:lambda:" + region + ":" + s.cfg.Account + ":function:" + name
}

// loadParam reads the function a FunctionName parameter names.
func (s *Service) loadParam(ctx context.Context, param, region string) (*functionRecord, error) {
	_, arn, _, err := s.resolve(param, region)
	if err != nil {
		return nil, err
	}
	f, _, err := s.load(ctx, arn)
	return f, err
}

// load reads a function's record.
func (s *Service) load(ctx context.Context, arn string) (*functionRecord, *store.Record, error) {
	rec, err := s.st.GetRecord(ctx, kindFunction, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound(arn)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lambda: read %s: %w", arn, err)
	}
	var f functionRecord
	if err := json.Unmarshal(rec.Data, &f); err != nil {
		return nil, nil, fmt.Errorf("lambda: decode %s: %w", arn, err)
	}
	return &f, &rec, nil
}

// createRequest is CreateFunction's body.
type createRequest struct {
	FunctionName *string `json:"FunctionName"`
	Runtime      *string `json:"Runtime"`
	Role         *string `json:"Role"`
	Handler      *string `json:"Handler"`
	Code         *struct {
		ZipFile  *string `json:"ZipFile"`
		S3Bucket *string `json:"S3Bucket"`
		ImageUri *string `json:"ImageUri"`
	} `json:"Code"`
	Description *string           `json:"Description"`
	Timeout     *int              `json:"Timeout"`
	MemorySize  *int              `json:"MemorySize"`
	Publish     bool              `json:"Publish"`
	Environment *environment      `json:"Environment"`
	PackageType *string           `json:"PackageType"`
	Tags        map[string]string `json:"Tags"`
}

// settings are the configuration fields CreateFunction and
// UpdateFunctionConfiguration share.
type settings struct {
	Runtime     *string      `json:"Runtime"`
	Role        *string      `json:"Role"`
	Handler     *string      `json:"Handler"`
	Description *string      `json:"Description"`
	Timeout     *int         `json:"Timeout"`
	MemorySize  *int         `json:"MemorySize"`
	Environment *environment `json:"Environment"`
}

// apply validates settings and applies them to f.
func (st *settings) apply(f *functionRecord) error {
	if st.Runtime != nil {
		if !runtimes[*st.Runtime] {
			return invalidParam("The runtime parameter of %s is not supported by Sluice. Supported runtimes: python3.9-python3.13, nodejs18.x-nodejs22.x, provided, provided.al2, provided.al2023, go1.x", *st.Runtime)
		}
		f.Runtime = *st.Runtime
	}
	if st.Role != nil {
		if !strings.HasPrefix(*st.Role, "arn:") || !strings.Contains(*st.Role, ":role/") {
			return awsapi.ValidationField(*st.Role, "role", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
		}
		f.Role = *st.Role
	}
	if st.Handler != nil {
		if len(*st.Handler) > 128 {
			return awsapi.ValidationField(*st.Handler, "handler", "Member must have length less than or equal to 128")
		}
		f.Handler = *st.Handler
	}
	if st.Description != nil {
		if len(*st.Description) > 256 {
			return awsapi.ValidationField(*st.Description, "description", "Member must have length less than or equal to 256")
		}
		f.Description = *st.Description
	}
	if st.Timeout != nil {
		if *st.Timeout < 1 || *st.Timeout > 900 {
			return awsapi.ValidationField(*st.Timeout, "timeout", "Member must have value between 1 and 900")
		}
		f.Timeout = *st.Timeout
	}
	if st.MemorySize != nil {
		if *st.MemorySize < 128 || *st.MemorySize > 10240 {
			return awsapi.ValidationField(*st.MemorySize, "memorySize", "Member must have value between 128 and 10240")
		}
		f.MemorySize = *st.MemorySize
	}
	if st.Environment != nil {
		var reserved []string
		for k := range st.Environment.Variables {
			if reservedEnv[k] {
				reserved = append(reserved, k)
			}
		}
		if len(reserved) > 0 {
			sort.Strings(reserved)
			return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
		}
		f.Env = st.Environment.Variables
	}
	if f.Runtime != "provided" && !strings.HasPrefix(f.Runtime, "provided.") && f.Handler == "" {
		return invalidParam("Handler is required for the %s runtime", f.Runtime)
	}
	return nil
}

func (s *Service) create(w http.ResponseWriter, r *http.Request, region string) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var req createRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
	}
	var st settings
	_ = json.Unmarshal(body, &st)
	switch {
	case req.FunctionName == nil:
		return awsapi.ValidationField(nil, "functionName", "Member must not be null")
	case req.Role == nil:
		return awsapi.ValidationField(nil, "role", "Member must not be null")
	case req.Code == nil:
		return awsapi.ValidationField(nil, "code", "Member must not be null")
	}
	name, arn, qualifier, err := s.resolve(*req.FunctionName, region)
	if err != nil {
		return err
	}
	if qualifier != "" || strings.Contains(*req.FunctionName, ":") && !strings.HasPrefix(*req.FunctionName, "arn:") {
		return invalidParam("FunctionName must be a name or an ARN without a qualifier")
	}
	if req.PackageType != nil && *req.PackageType == "Image" || req.Code.ImageUri != nil {
		return invalidParam("Sluice runs zip packages; container images are not supported")
	}
	if req.Code.S3Bucket != nil {
		return invalidParam("Sluice has no S3; upload the code as Code.ZipFile")
	}
	if req.Code.ZipFile == nil {
		return invalidParam("Please provide a source for function code.")
	}
	if req.Runtime == nil {
		return invalidParam("Runtime is required for .zip deployment packages.")
	}
	zipData, err := base64.StdEncoding.DecodeString(*req.Code.ZipFile)
	if err != nil {
		return invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	f := &functionRecord{Name: name, Arn: arn, Timeout: 3, MemorySize: 128, Tags: req.Tags}
	if err := st.apply(f); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.st.GetRecord(r.Context(), kindFunction, arn); err == nil {
		return &lambdaError{code: "ResourceConflictException", msg: "Function already exist: " + name, status: 409}
	}
	if err := s.setCode(f, zipData); err != nil {
		return err
	}
	if err := s.save(r.Context(), f, nil, true); err != nil {
		return err
	}
	if req.Publish {
		v, err := s.publish(r.Context(), f, "")
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, v.config())
		return nil
	}
	writeJSON(w, http.StatusCreated, f.config())
	return nil
}

// setCode checks, stores and unpacks a zip for f.
func (s *Service) setCode(f *functionRecord, zipData []byte) error {
	zr, err := checkZip(zipData)
	if err != nil {
		return err
	}
	b64, hexName := codeDigest(zipData)
	rel := filepath.Join(f.Name, hexName)
	if _, err := storeCode(filepath.Join(s.cfg.Dir, "functions", rel), zipData, zr); err != nil {
		return err
	}
	f.CodeSha256, f.CodeSize, f.CodeDir = b64, int64(len(zipData)), rel
	return nil
}

// save stores f durably with a new revision id.
func (s *Service) save(ctx context.Context, f *functionRecord, prev *store.Record, create bool) error {
	f.LastModified = time.Now().UTC()
	f.RevisionID = awsapi.NewRequestID()
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("lambda: encode %s: %w", f.Arn, err)
	}
	rec := store.Record{Kind: kindFunction, Key: f.Arn, Data: data, Created: f.LastModified}
	var rev int64
	if !create {
		rec.Created, rev = prev.Created, prev.Revision
	}
	if _, err = s.st.PutRecord(ctx, rec, rev); err != nil {
		return fmt.Errorf("lambda: save %s: %w", f.Arn, err)
	}
	return nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request, param, region string, full bool) error {
	_, arn, qualifier, err := s.resolve(param, region)
	if err != nil {
		return err
	}
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		qualifier = q
	}
	f, version, err := s.resolveQualifier(r.Context(), arn, qualifier)
	if err != nil {
		return err
	}
	cfg := f.config()
	if version != "$LATEST" {
		cfg = (&versionRecord{functionRecord: *f, Version: version}).config()
	}
	if !full {
		writeJSON(w, http.StatusOK, cfg)
		return nil
	}
	// Lambda answers with a presigned S3 URL; Sluice serves the zip itself.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	loc := scheme + "://" + r.Host + CodePath + url.PathEscape(f.CodeDir) + "/code.zip"
	out := map[string]any{"Configuration": cfg, "Code": map[string]string{"RepositoryType": "S3", "Location": loc}}
	if len(f.Tags) > 0 {
		out["Tags"] = f.Tags
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	maxItems := 50
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return awsapi.ValidationField(v, "maxItems", "Member must have value between 1 and 10000")
		}
		maxItems = n
	}
	recs, next, err := s.st.ListRecords(r.Context(), kindFunction, "", store.Page{Limit: maxItems, Token: q.Get("Marker")})
	if errors.Is(err, store.ErrInvalidToken) {
		return invalidParam("Invalid marker: %s", q.Get("Marker"))
	}
	if err != nil {
		return fmt.Errorf("lambda: list functions: %w", err)
	}
	fns := make([]*configuration, 0, len(recs))
	for _, rec := range recs {
		var f functionRecord
		if err := json.Unmarshal(rec.Data, &f); err == nil {
			fns = append(fns, f.config())
		}
	}
	out := map[string]any{"Functions": fns}
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) delete(w http.ResponseWriter, r *http.Request, param, region string) error {
	_, arn, _, err := s.resolve(param, region)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.load(r.Context(), arn); err != nil {
		return err
	}
	if q := r.URL.Query().Get("Qualifier"); q != "" && q != "$LATEST" {
		// Delete one version.
		if err := s.st.DeleteRecord(r.Context(), kindVersion, arn+":"+q); err != nil {
			return notFound(arn + ":" + q)
		}
		w.Header().Set("x-amzn-RequestId", awsapi.NewRequestID())
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	for _, kind := range []string{kindVersion, kindAlias} {
		recs, _, err := s.st.ListRecords(r.Context(), kind, arn, store.Page{Limit: 10000})
		if err != nil {
			return fmt.Errorf("lambda: delete %s: %w", arn, err)
		}
		for _, rec := range recs {
			if err := s.st.DeleteRecord(r.Context(), kind, rec.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("lambda: delete %s: %w", rec.Key, err)
			}
		}
	}
	if err := s.st.DeleteRecord(r.Context(), kindFunction, arn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("lambda: delete %s: %w", arn, err)
	}
	for key, e := range s.pools {
		if key == arn || strings.HasPrefix(key, arn+":") {
			e.pool.Close()
			delete(s.pools, key)
		}
	}
	w.Header().Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) updateConfig(w http.ResponseWriter, r *http.Request, param, region string) error {
	return s.update(w, r, param, region, func(f *functionRecord, body []byte) error {
		var st settings
		if err := json.Unmarshal(body, &st); err != nil {
			return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
		}
		return st.apply(f)
	})
}

func (s *Service) updateCode(w http.ResponseWriter, r *http.Request, param, region string) error {
	return s.update(w, r, param, region, func(f *functionRecord, body []byte) error {
		var req struct {
			ZipFile  *string `json:"ZipFile"`
			S3Bucket *string `json:"S3Bucket"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
		}
		if req.S3Bucket != nil {
			return invalidParam("Sluice has no S3; upload the code as ZipFile")
		}
		if req.ZipFile == nil {
			return invalidParam("Please provide a source for function code.")
		}
		zipData, err := base64.StdEncoding.DecodeString(*req.ZipFile)
		if err != nil {
			return invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
		}
		return s.setCode(f, zipData)
	})
}

// update changes a function with change, which reads the request body,
// saves it under a new revision and, when w is not nil, answers with its
// configuration.
func (s *Service) update(w http.ResponseWriter, r *http.Request, param, region string, change func(*functionRecord, []byte) error) error {
	_, arn, _, err := s.resolve(param, region)
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, prev, err := s.load(r.Context(), arn)
	if err != nil {
		return err
	}
	if err := change(f, body); err != nil {
		return err
	}
	if err := s.save(r.Context(), f, prev, false); err != nil {
		return err
	}
	if w != nil {
		writeJSON(w, http.StatusOK, f.config())
	}
	return nil
}

// readBody reads a request body up to the zip limit plus its base64
// overhead.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxZipSize*4/3+64*1024))
	if err != nil {
		return nil, awsapi.Errorf("SerializationException", "Could not read the request: %v", err)
	}
	return b, nil
}

// lineLog writes a function's output to the server log, a line at a
// time, as CloudWatch Logs would hold it.
type lineLog struct {
	log  *slog.Logger
	mu   sync.Mutex
	part []byte
}

func (l *lineLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.part = append(l.part, b...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		l.log.Info("function output", "line", string(l.part[:i]))
		l.part = l.part[i+1:]
	}
	if len(l.part) > 64*1024 {
		l.log.Info("function output", "line", string(l.part))
		l.part = nil
	}
	return len(b), nil
}
