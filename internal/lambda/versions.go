package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/store"
)

// Versions are immutable snapshots of a function's configuration and code
// (records of kind functionVersion, keyed ARN:N); aliases name a version
// (records of kind functionAlias, keyed ARN:NAME). Invoke, Task states and
// targets accept a version or alias as the qualifier.

const (
	kindVersion = "functionVersion"
	kindAlias   = "functionAlias"
)

// versionRecord is a published version.
type versionRecord struct {
	functionRecord
	Version string `json:"version"`
}

// aliasRecord is an alias.
type aliasRecord struct {
	Name            string    `json:"name"`
	Arn             string    `json:"arn"`
	FunctionVersion string    `json:"functionVersion"`
	Description     string    `json:"description,omitempty"`
	RevisionID      string    `json:"revisionId"`
	Updated         time.Time `json:"updated"`
	// Weights sends a share of invocations to another version.
	Weights map[string]float64 `json:"weights,omitempty"`
}

func (a *aliasRecord) config() map[string]any {
	c := map[string]any{"AliasArn": a.Arn, "Name": a.Name, "FunctionVersion": a.FunctionVersion,
		"Description": a.Description, "RevisionId": a.RevisionID}
	if len(a.Weights) > 0 {
		c["RoutingConfig"] = map[string]any{"AdditionalVersionWeights": a.Weights}
	}
	return c
}

// pick chooses the version an invocation through the alias runs, by the
// routing weights; draw is in [0, 1).
func (a *aliasRecord) pick(draw float64) string {
	for v, w := range a.Weights {
		if draw < w {
			return v
		}
		draw -= w
	}
	return a.FunctionVersion
}

// validAlias checks an alias name (Go's regexp has no look-ahead).
func validAlias(n string) bool {
	if n == "" || len(n) > 128 || n == "$LATEST" {
		return false
	}
	if _, err := strconv.Atoi(n); err == nil {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// versionConfig renders a version as a FunctionConfiguration.
func (v *versionRecord) config() *configuration {
	c := v.functionRecord.config()
	c.Version = v.Version
	c.FunctionArn = v.Arn + ":" + v.Version
	return c
}

// versions lists a function's published versions in order.
func (s *Service) versions(ctx context.Context, arn string) ([]*versionRecord, error) {
	var out []*versionRecord
	page := store.Page{Limit: 1000}
	for {
		recs, next, err := s.st.ListRecords(ctx, kindVersion, arn, page)
		if err != nil {
			return nil, fmt.Errorf("lambda: list versions of %s: %w", arn, err)
		}
		for _, r := range recs {
			var v versionRecord
			if err := json.Unmarshal(r.Data, &v); err == nil {
				out = append(out, &v)
			}
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	// Keys sort as text; versions count.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && num(out[j].Version) < num(out[j-1].Version); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

func num(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// publish snapshots f as a new version, or returns the latest version
// when nothing changed since it was published, as Lambda does.
func (s *Service) publish(ctx context.Context, f *functionRecord, description string) (*versionRecord, error) {
	vs, err := s.versions(ctx, f.Arn)
	if err != nil {
		return nil, err
	}
	if n := len(vs); n > 0 {
		last := vs[n-1]
		a, _ := json.Marshal(withoutVolatile(last.functionRecord))
		b, _ := json.Marshal(withoutVolatile(*f))
		if string(a) == string(b) {
			return last, nil
		}
	}
	next := 1
	if n := len(vs); n > 0 {
		next = num(vs[n-1].Version) + 1
	}
	v := &versionRecord{functionRecord: *f, Version: strconv.Itoa(next)}
	v.Policy, v.Tags = nil, nil
	if description != "" {
		v.Description = description
	}
	v.RevisionID = awsapi.NewRequestID()
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("lambda: encode version: %w", err)
	}
	if _, err := s.st.PutRecord(ctx, store.Record{Kind: kindVersion, Key: f.Arn + ":" + v.Version, Parent: f.Arn, Data: data, Created: time.Now()}, 0); err != nil {
		return nil, fmt.Errorf("lambda: save version: %w", err)
	}
	return v, nil
}

// withoutVolatile drops what changes without changing the function.
func withoutVolatile(f functionRecord) functionRecord {
	f.LastModified, f.RevisionID, f.Policy, f.Tags = time.Time{}, "", nil, nil
	return f
}

// resolveQualifier turns a qualifier (empty, $LATEST, a version or an
// alias) into the record to run and the version it is.
func (s *Service) resolveQualifier(ctx context.Context, arn, qualifier string) (*functionRecord, string, error) {
	if qualifier == "" || qualifier == "$LATEST" {
		f, _, err := s.load(ctx, arn)
		return f, "$LATEST", err
	}
	if validAlias(qualifier) {
		rec, err := s.st.GetRecord(ctx, kindAlias, arn+":"+qualifier)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", notFound(arn + ":" + qualifier)
		}
		if err != nil {
			return nil, "", fmt.Errorf("lambda: read alias: %w", err)
		}
		var a aliasRecord
		if err := json.Unmarshal(rec.Data, &a); err != nil {
			return nil, "", fmt.Errorf("lambda: decode alias: %w", err)
		}
		return s.resolveQualifier(ctx, arn, a.pick(rand.Float64()))
	}
	rec, err := s.st.GetRecord(ctx, kindVersion, arn+":"+qualifier)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", notFound(arn + ":" + qualifier)
	}
	if err != nil {
		return nil, "", fmt.Errorf("lambda: read version: %w", err)
	}
	var v versionRecord
	if err := json.Unmarshal(rec.Data, &v); err != nil {
		return nil, "", fmt.Errorf("lambda: decode version: %w", err)
	}
	return &v.functionRecord, v.Version, nil
}

func (s *Service) publishVersion(w http.ResponseWriter, r *http.Request, param, region string) error {
	_, arn, _, err := s.resolve(param, region)
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var req struct {
		Description string `json:"Description"`
		CodeSha256  string `json:"CodeSha256"`
		RevisionID  string `json:"RevisionId"`
	}
	_ = json.Unmarshal(body, &req)
	s.mu.Lock()
	defer s.mu.Unlock()
	f, _, err := s.load(r.Context(), arn)
	if err != nil {
		return err
	}
	if req.CodeSha256 != "" && req.CodeSha256 != f.CodeSha256 {
		return invalidParam("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", req.CodeSha256, f.CodeSha256)
	}
	if req.RevisionID != "" && req.RevisionID != f.RevisionID {
		return &lambdaError{code: "PreconditionFailedException", status: 412, msg: "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}
	}
	v, err := s.publish(r.Context(), f, req.Description)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v.config())
	return nil
}

func (s *Service) listVersions(w http.ResponseWriter, r *http.Request, param, region string) error {
	f, err := s.loadParam(r.Context(), param, region)
	if err != nil {
		return err
	}
	vs, err := s.versions(r.Context(), f.Arn)
	if err != nil {
		return err
	}
	out := []*configuration{f.config()}
	for _, v := range vs {
		out = append(out, v.config())
	}
	writeJSON(w, http.StatusOK, map[string]any{"Versions": out})
	return nil
}

// aliasOp serves CreateAlias, GetAlias, UpdateAlias, DeleteAlias and
// ListAliases; alias is empty for create and list.
func (s *Service) aliasOp(w http.ResponseWriter, r *http.Request, op, param, region, alias string) error {
	_, arn, _, err := s.resolve(param, region)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, _, err := s.load(ctx, arn); err != nil {
		return err
	}
	if op == "ListAliases" {
		recs, _, err := s.st.ListRecords(ctx, kindAlias, arn, store.Page{Limit: 10000})
		if err != nil {
			return fmt.Errorf("lambda: list aliases: %w", err)
		}
		out := []map[string]any{}
		for _, rec := range recs {
			var a aliasRecord
			if json.Unmarshal(rec.Data, &a) == nil {
				out = append(out, a.config())
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"Aliases": out})
		return nil
	}
	var req struct {
		Name            string  `json:"Name"`
		FunctionVersion *string `json:"FunctionVersion"`
		Description     *string `json:"Description"`
		RoutingConfig   *struct {
			AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights"`
		} `json:"RoutingConfig"`
	}
	if op == "CreateAlias" || op == "UpdateAlias" {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
		}
	}
	if op == "CreateAlias" {
		alias = req.Name
	}
	if !validAlias(alias) {
		return awsapi.ValidationField(alias, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
	}
	key := arn + ":" + alias
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, err := s.st.GetRecord(ctx, kindAlias, key)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("lambda: read alias: %w", err)
	}
	var a aliasRecord
	if exists {
		_ = json.Unmarshal(prev.Data, &a)
	}
	switch op {
	case "GetAlias", "UpdateAlias", "DeleteAlias":
		if !exists {
			return &lambdaError{code: "ResourceNotFoundException", status: 404, msg: "Alias not found: " + key}
		}
	case "CreateAlias":
		if exists {
			return &lambdaError{code: "ResourceConflictException", status: 409, msg: "Alias already exists: " + key}
		}
		if req.FunctionVersion == nil {
			return awsapi.ValidationField(nil, "functionVersion", "Member must not be null")
		}
		a = aliasRecord{Name: alias, Arn: key}
	}
	switch op {
	case "GetAlias":
		writeJSON(w, http.StatusOK, a.config())
		return nil
	case "DeleteAlias":
		if err := s.st.DeleteRecord(ctx, kindAlias, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("lambda: delete alias: %w", err)
		}
		w.Header().Set("x-amzn-RequestId", awsapi.NewRequestID())
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if req.FunctionVersion != nil {
		v := *req.FunctionVersion
		if v != "$LATEST" {
			if _, err := s.st.GetRecord(ctx, kindVersion, arn+":"+v); err != nil {
				return &lambdaError{code: "ResourceNotFoundException", status: 404, msg: "Function not found: " + arn + ":" + v}
			}
		}
		a.FunctionVersion = v
	}
	if req.Description != nil {
		a.Description = *req.Description
	}
	if rc := req.RoutingConfig; rc != nil {
		if len(rc.AdditionalVersionWeights) > 1 {
			return invalidParam("Number of items in AdditionalVersionWeights cannot be greater than 1")
		}
		for v, w := range rc.AdditionalVersionWeights {
			if w < 0 || w > 1 {
				return awsapi.ValidationField(w, "routingConfig.additionalVersionWeights", "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]")
			}
			if v == a.FunctionVersion {
				return invalidParam("Invalid function version %s. Function version %s is already included in routing configuration.", v, v)
			}
			if a.FunctionVersion == "$LATEST" || v == "$LATEST" {
				return invalidParam("$LATEST is not supported for an alias pointing to more than 1 version")
			}
			if _, err := s.st.GetRecord(ctx, kindVersion, arn+":"+v); err != nil {
				return &lambdaError{code: "ResourceNotFoundException", status: 404, msg: "Function not found: " + arn + ":" + v}
			}
		}
		a.Weights = rc.AdditionalVersionWeights
	}
	a.RevisionID, a.Updated = awsapi.NewRequestID(), time.Now().UTC()
	data, _ := json.Marshal(&a)
	var rev int64
	if exists {
		rev = prev.Revision
	}
	if _, err := s.st.PutRecord(ctx, store.Record{Kind: kindAlias, Key: key, Parent: arn, Data: data, Created: a.Updated}, rev); err != nil {
		return fmt.Errorf("lambda: save alias: %w", err)
	}
	status := http.StatusOK
	if op == "CreateAlias" {
		status = http.StatusCreated
	}
	writeJSON(w, status, a.config())
	return nil
}

// versionRoute reads the version and alias operations of a path under a
// function.
func versionRoute(method, sub string) (op, alias string) {
	switch {
	case sub == "versions" && method == http.MethodPost:
		return "PublishVersion", ""
	case sub == "versions" && method == http.MethodGet:
		return "ListVersionsByFunction", ""
	case sub == "aliases" && method == http.MethodPost:
		return "CreateAlias", ""
	case sub == "aliases" && method == http.MethodGet:
		return "ListAliases", ""
	case strings.HasPrefix(sub, "aliases/"):
		alias, _ = url.PathUnescape(strings.TrimPrefix(sub, "aliases/"))
		switch method {
		case http.MethodGet:
			return "GetAlias", alias
		case http.MethodPut:
			return "UpdateAlias", alias
		case http.MethodDelete:
			return "DeleteAlias", alias
		}
	}
	return "", ""
}
