package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/httptask"
	"github.com/sluice-run/sluice/internal/store"
)

// connectionRecord is a stored connection, secrets included (Sluice keeps
// them in its own store where AWS uses Secrets Manager).
type connectionRecord struct {
	Arn               string          `json:"arn"`
	Name              string          `json:"name"`
	Description       string          `json:"description,omitempty"`
	AuthorizationType string          `json:"authorizationType"`
	AuthParameters    json.RawMessage `json:"authParameters"`
	State             string          `json:"state"`
	Created           time.Time       `json:"created"`
	Modified          time.Time       `json:"modified"`
	Authorized        time.Time       `json:"authorized,omitzero"`
}

// authParameters mirrors CreateConnectionAuthRequestParameters.
type authParameters struct {
	BasicAuthParameters *struct {
		Username string `json:"Username"`
		Password string `json:"Password"`
	} `json:"BasicAuthParameters,omitempty"`
	APIKeyAuthParameters *struct {
		APIKeyName  string `json:"ApiKeyName"`
		APIKeyValue string `json:"ApiKeyValue"`
	} `json:"ApiKeyAuthParameters,omitempty"`
	OAuthParameters *struct {
		ClientParameters *struct {
			ClientID     string `json:"ClientID"`
			ClientSecret string `json:"ClientSecret"`
		} `json:"ClientParameters,omitempty"`
		AuthorizationEndpoint string          `json:"AuthorizationEndpoint"`
		HTTPMethod            string          `json:"HttpMethod"`
		OAuthHTTPParameters   *httpParamsJSON `json:"OAuthHttpParameters,omitempty"`
	} `json:"OAuthParameters,omitempty"`
	InvocationHTTPParameters *httpParamsJSON `json:"InvocationHttpParameters,omitempty"`
}

type paramJSON struct {
	Key           string `json:"Key"`
	Value         string `json:"Value"`
	IsValueSecret bool   `json:"IsValueSecret"`
}

type httpParamsJSON struct {
	HeaderParameters      []paramJSON `json:"HeaderParameters,omitempty"`
	QueryStringParameters []paramJSON `json:"QueryStringParameters,omitempty"`
	BodyParameters        []paramJSON `json:"BodyParameters,omitempty"`
}

func (h *httpParamsJSON) toTask() httptask.HTTPParameters {
	var out httptask.HTTPParameters
	if h == nil {
		return out
	}
	conv := func(ps []paramJSON) []httptask.Parameter {
		var o []httptask.Parameter
		for _, p := range ps {
			o = append(o, httptask.Parameter{Key: p.Key, Value: p.Value, IsValueSecret: p.IsValueSecret})
		}
		return o
	}
	out.HeaderParameters = conv(h.HeaderParameters)
	out.QueryStringParameters = conv(h.QueryStringParameters)
	out.BodyParameters = conv(h.BodyParameters)
	return out
}

var connNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)

func (c *call) connectionArn(name string) string {
	return c.arn("connection/" + name + "/" + newUUID())
}

// connectionsByName finds a connection record by name in the caller's
// account and region.
func (s *Service) connectionByName(ctx context.Context, c *call, name string) (*connectionRecord, int64, error) {
	recs, err := s.allRecords(ctx, kindConnection, c.scope())
	if err != nil {
		return nil, 0, err
	}
	for _, r := range recs {
		var cr connectionRecord
		if json.Unmarshal(r.Data, &cr) == nil && cr.Name == name {
			return &cr, r.Revision, nil
		}
	}
	return nil, 0, notFound("Failed to describe the connection(s). Connection '%s' does not exist.", name)
}

func checkAuth(authType string, raw json.RawMessage) error {
	var ap authParameters
	if err := json.Unmarshal(raw, &ap); err != nil {
		return awsapi.Validation("AuthParameters is not valid: %v", err)
	}
	switch authType {
	case "BASIC":
		if ap.BasicAuthParameters == nil || ap.BasicAuthParameters.Username == "" {
			return awsapi.Validation("BasicAuthParameters must be specified for the authorization type BASIC.")
		}
	case "API_KEY":
		if ap.APIKeyAuthParameters == nil || ap.APIKeyAuthParameters.APIKeyName == "" {
			return awsapi.Validation("ApiKeyAuthParameters must be specified for the authorization type API_KEY.")
		}
	case "OAUTH_CLIENT_CREDENTIALS":
		if ap.OAuthParameters == nil || ap.OAuthParameters.ClientParameters == nil || ap.OAuthParameters.AuthorizationEndpoint == "" {
			return awsapi.Validation("OAuthParameters with ClientParameters and AuthorizationEndpoint must be specified for the authorization type OAUTH_CLIENT_CREDENTIALS.")
		}
	default:
		return awsapi.ValidationField(authType, "authorizationType", "Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]")
	}
	return nil
}

func (s *Service) createConnection(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name              string          `json:"Name"`
		Description       *string         `json:"Description"`
		AuthorizationType string          `json:"AuthorizationType"`
		AuthParameters    json.RawMessage `json:"AuthParameters"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !connNameRE.MatchString(in.Name) {
		return nil, awsapi.ValidationField(in.Name, "name", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	if err := checkAuth(in.AuthorizationType, in.AuthParameters); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.connectionByName(ctx, c, in.Name); err == nil {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Connection %s already exists.", in.Name)
	}
	now := s.now()
	cr := connectionRecord{Arn: c.connectionArn(in.Name), Name: in.Name, Description: deref(in.Description), AuthorizationType: in.AuthorizationType,
		AuthParameters: in.AuthParameters, State: httptask.StateAuthorized, Created: now, Modified: now, Authorized: now}
	if _, err := s.putRecord(ctx, kindConnection, cr.Arn, c.scope(), cr, now, 0); err != nil {
		return nil, err
	}
	return map[string]any{"ConnectionArn": cr.Arn, "ConnectionState": cr.State, "CreationTime": epoch(now), "LastModifiedTime": epoch(now)}, nil
}

// publicAuth removes secrets from auth parameters, as DescribeConnection
// does.
func publicAuth(raw json.RawMessage) map[string]any {
	var ap authParameters
	_ = json.Unmarshal(raw, &ap)
	out := map[string]any{}
	if b := ap.BasicAuthParameters; b != nil {
		out["BasicAuthParameters"] = map[string]any{"Username": b.Username}
	}
	if k := ap.APIKeyAuthParameters; k != nil {
		out["ApiKeyAuthParameters"] = map[string]any{"ApiKeyName": k.APIKeyName}
	}
	if o := ap.OAuthParameters; o != nil {
		m := map[string]any{"AuthorizationEndpoint": o.AuthorizationEndpoint, "HttpMethod": o.HTTPMethod}
		if o.ClientParameters != nil {
			m["ClientParameters"] = map[string]any{"ClientID": o.ClientParameters.ClientID}
		}
		out["OAuthParameters"] = m
	}
	if ap.InvocationHTTPParameters != nil {
		out["InvocationHttpParameters"] = hideSecrets(ap.InvocationHTTPParameters)
	}
	return out
}

func hideSecrets(h *httpParamsJSON) *httpParamsJSON {
	c := *h
	for _, list := range []*[]paramJSON{&c.HeaderParameters, &c.QueryStringParameters, &c.BodyParameters} {
		ps := append([]paramJSON(nil), *list...)
		for i := range ps {
			if ps[i].IsValueSecret {
				ps[i].Value = ""
			}
		}
		*list = ps
	}
	return &c
}

func (s *Service) describeConnection(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	cr, _, err := s.connectionByName(ctx, c, name)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"ConnectionArn": cr.Arn, "Name": cr.Name, "ConnectionState": cr.State, "AuthorizationType": cr.AuthorizationType,
		"AuthParameters": publicAuth(cr.AuthParameters), "SecretArn": "arn:aws:secretsmanager:" + c.region + ":" + c.account + ":secret:events!connection/" + cr.Name,
		"CreationTime": epoch(cr.Created), "LastModifiedTime": epoch(cr.Modified)}
	if cr.Description != "" {
		out["Description"] = cr.Description
	}
	if !cr.Authorized.IsZero() {
		out["LastAuthorizedTime"] = epoch(cr.Authorized)
	}
	return out, nil
}

func (s *Service) updateConnection(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name              string          `json:"Name"`
		Description       *string         `json:"Description"`
		AuthorizationType *string         `json:"AuthorizationType"`
		AuthParameters    json.RawMessage `json:"AuthParameters"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, rev, err := s.connectionByName(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		cr.Description = *in.Description
	}
	if in.AuthorizationType != nil {
		cr.AuthorizationType = *in.AuthorizationType
	}
	if in.AuthParameters != nil {
		cr.AuthParameters = in.AuthParameters
	}
	if err := checkAuth(cr.AuthorizationType, cr.AuthParameters); err != nil {
		return nil, err
	}
	cr.Modified = s.now()
	cr.State = httptask.StateAuthorized
	cr.Authorized = cr.Modified
	if _, err := s.putRecord(ctx, kindConnection, cr.Arn, c.scope(), cr, cr.Created, rev); err != nil {
		return nil, err
	}
	s.tokens.InvalidateToken(cr.Arn)
	return map[string]any{"ConnectionArn": cr.Arn, "ConnectionState": cr.State, "CreationTime": epoch(cr.Created), "LastModifiedTime": epoch(cr.Modified)}, nil
}

func (s *Service) deauthorizeConnection(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, rev, err := s.connectionByName(ctx, c, name)
	if err != nil {
		return nil, err
	}
	cr.State = httptask.StateDeauthorized
	cr.Modified = s.now()
	if _, err := s.putRecord(ctx, kindConnection, cr.Arn, c.scope(), cr, cr.Created, rev); err != nil {
		return nil, err
	}
	s.tokens.InvalidateToken(cr.Arn)
	return map[string]any{"ConnectionArn": cr.Arn, "ConnectionState": cr.State, "CreationTime": epoch(cr.Created), "LastModifiedTime": epoch(cr.Modified)}, nil
}

func (s *Service) deleteConnection(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, _, err := s.connectionByName(ctx, c, name)
	if err != nil {
		return nil, err
	}
	if err := s.deleteRecord(ctx, kindConnection, cr.Arn); err != nil {
		return nil, err
	}
	return map[string]any{"ConnectionArn": cr.Arn, "ConnectionState": "DELETING", "CreationTime": epoch(cr.Created), "LastModifiedTime": epoch(s.now())}, nil
}

func (s *Service) listConnections(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix      *string `json:"NamePrefix"`
		ConnectionState *string `json:"ConnectionState"`
		NextToken       *string `json:"NextToken"`
		Limit           int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindConnection, c.scope())
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	for _, r := range recs {
		var cr connectionRecord
		if json.Unmarshal(r.Data, &cr) != nil || !strings.HasPrefix(cr.Name, deref(in.NamePrefix)) {
			continue
		}
		if in.ConnectionState != nil && cr.State != *in.ConnectionState {
			continue
		}
		items = append(items, map[string]any{"ConnectionArn": cr.Arn, "Name": cr.Name, "ConnectionState": cr.State,
			"AuthorizationType": cr.AuthorizationType, "CreationTime": epoch(cr.Created), "LastModifiedTime": epoch(cr.Modified)})
	}
	page, next, err := paginate(items, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Connections": page}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// Connection implements httptask.Connections, so HTTP Tasks and API
// destinations share EventBridge connections.
func (s *Service) Connection(ctx context.Context, arn string) (*httptask.Connection, error) {
	if v, ok := s.cache.get(kindConnection, arn); ok {
		return v.(*httptask.Connection), nil
	}
	gen := s.cache.generation()
	conn, err := s.loadConnection(ctx, arn)
	if err == nil {
		s.cache.put(kindConnection, arn, gen, conn)
	}
	return conn, err
}

// loadConnection reads a connection from the store.
func (s *Service) loadConnection(ctx context.Context, arn string) (*httptask.Connection, error) {
	r, err := s.st.GetRecord(ctx, kindConnection, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", httptask.ErrConnectionNotFound, arn)
	}
	if err != nil {
		return nil, err
	}
	var cr connectionRecord
	if err := json.Unmarshal(r.Data, &cr); err != nil {
		return nil, err
	}
	var ap authParameters
	_ = json.Unmarshal(cr.AuthParameters, &ap)
	conn := &httptask.Connection{Arn: cr.Arn, State: cr.State, AuthorizationType: cr.AuthorizationType,
		InvocationHTTPParameters: ap.InvocationHTTPParameters.toTask()}
	switch {
	case ap.BasicAuthParameters != nil:
		conn.Basic = &httptask.BasicAuth{Username: ap.BasicAuthParameters.Username, Password: ap.BasicAuthParameters.Password}
	case ap.APIKeyAuthParameters != nil:
		conn.APIKey = &httptask.APIKeyAuth{Name: ap.APIKeyAuthParameters.APIKeyName, Value: ap.APIKeyAuthParameters.APIKeyValue}
	case ap.OAuthParameters != nil:
		o := ap.OAuthParameters
		conn.OAuth = &httptask.OAuthClientCredentials{AuthorizationEndpoint: o.AuthorizationEndpoint, HTTPMethod: o.HTTPMethod,
			HTTPParameters: o.OAuthHTTPParameters.toTask()}
		if o.ClientParameters != nil {
			conn.OAuth.ClientID, conn.OAuth.ClientSecret = o.ClientParameters.ClientID, o.ClientParameters.ClientSecret
		}
	}
	return conn, nil
}

// authorize adds a connection's credentials to an API destination call.
func (s *Service) authorize(ctx context.Context, req *http.Request, connArn string) error {
	conn, err := s.Connection(ctx, connArn)
	if err != nil {
		return &permanentError{err}
	}
	if err := s.tokens.Authorize(ctx, req, conn); err != nil {
		return fmt.Errorf("Events.ConnectionResource: %v", err)
	}
	return nil
}

// --- API destinations ------------------------------------------------------------

type apiDestinationRecord struct {
	Arn                string    `json:"arn"`
	Name               string    `json:"name"`
	Description        string    `json:"description,omitempty"`
	ConnectionArn      string    `json:"connectionArn"`
	InvocationEndpoint string    `json:"invocationEndpoint"`
	HTTPMethod         string    `json:"httpMethod"`
	RateLimit          int       `json:"rateLimit,omitempty"`
	State              string    `json:"state"`
	Created            time.Time `json:"created"`
	Modified           time.Time `json:"modified"`
}

var httpMethods = map[string]bool{"POST": true, "GET": true, "HEAD": true, "OPTIONS": true, "PUT": true, "PATCH": true, "DELETE": true}

func (s *Service) apiDestinationByName(ctx context.Context, c *call, name string) (*apiDestinationRecord, int64, error) {
	recs, err := s.allRecords(ctx, kindAPIDestination, c.scope())
	if err != nil {
		return nil, 0, err
	}
	for _, r := range recs {
		var d apiDestinationRecord
		if json.Unmarshal(r.Data, &d) == nil && d.Name == name {
			return &d, r.Revision, nil
		}
	}
	return nil, 0, notFound("Failed to describe the api-destination(s). An api-destination '%s' does not exist.", name)
}

// apiDestination loads an API destination by ARN, for delivery.
func (s *Service) apiDestination(ctx context.Context, arn string) (*apiDestinationRecord, error) {
	if v, ok := s.cache.get(kindAPIDestination, arn); ok {
		return v.(*apiDestinationRecord), nil
	}
	gen := s.cache.generation()
	r, err := s.st.GetRecord(ctx, kindAPIDestination, arn)
	if err != nil {
		return nil, &permanentError{fmt.Errorf("ResourceNotFoundException: api-destination %s does not exist", arn)}
	}
	var d apiDestinationRecord
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return nil, err
	}
	s.cache.put(kindAPIDestination, arn, gen, &d)
	return &d, nil
}

func (s *Service) checkDestination(ctx context.Context, connArn, endpoint, method string, rate *int) error {
	if _, err := s.st.GetRecord(ctx, kindConnection, connArn); err != nil {
		return notFound("Connection '%s' does not exist.", connArn)
	}
	if !strings.HasPrefix(endpoint, "https://") && !strings.HasPrefix(endpoint, "http://") {
		return awsapi.ValidationField(endpoint, "invocationEndpoint", "Member must satisfy regular expression pattern: ^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@\\x26=+$,A-Za-z0-9])+)([).!';/?:,])?$")
	}
	if !httpMethods[method] {
		return awsapi.ValidationField(method, "httpMethod", "Member must satisfy enum value set: [POST, GET, HEAD, OPTIONS, PUT, PATCH, DELETE]")
	}
	if rate != nil && (*rate < 1 || *rate > 300) {
		return awsapi.ValidationField(*rate, "invocationRateLimitPerSecond", "Member must have value between 1 and 300")
	}
	return nil
}

func (s *Service) createAPIDestination(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name               string  `json:"Name"`
		Description        *string `json:"Description"`
		ConnectionArn      string  `json:"ConnectionArn"`
		InvocationEndpoint string  `json:"InvocationEndpoint"`
		HTTPMethod         string  `json:"HttpMethod"`
		RateLimit          *int    `json:"InvocationRateLimitPerSecond"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !connNameRE.MatchString(in.Name) {
		return nil, awsapi.ValidationField(in.Name, "name", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	if err := s.checkDestination(ctx, in.ConnectionArn, in.InvocationEndpoint, in.HTTPMethod, in.RateLimit); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.apiDestinationByName(ctx, c, in.Name); err == nil {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "An api-destination '%s' already exists.", in.Name)
	}
	now := s.now()
	d := apiDestinationRecord{Arn: c.arn("api-destination/" + in.Name + "/" + newUUID()), Name: in.Name, Description: deref(in.Description),
		ConnectionArn: in.ConnectionArn, InvocationEndpoint: in.InvocationEndpoint, HTTPMethod: in.HTTPMethod, State: "ACTIVE", Created: now, Modified: now}
	if in.RateLimit != nil {
		d.RateLimit = *in.RateLimit
	}
	if _, err := s.putRecord(ctx, kindAPIDestination, d.Arn, c.scope(), d, now, 0); err != nil {
		return nil, err
	}
	return map[string]any{"ApiDestinationArn": d.Arn, "ApiDestinationState": d.State, "CreationTime": epoch(now), "LastModifiedTime": epoch(now)}, nil
}

func destinationOut(d *apiDestinationRecord) map[string]any {
	out := map[string]any{"ApiDestinationArn": d.Arn, "Name": d.Name, "ApiDestinationState": d.State, "ConnectionArn": d.ConnectionArn,
		"InvocationEndpoint": d.InvocationEndpoint, "HttpMethod": d.HTTPMethod, "CreationTime": epoch(d.Created), "LastModifiedTime": epoch(d.Modified)}
	if d.RateLimit > 0 {
		out["InvocationRateLimitPerSecond"] = d.RateLimit
	}
	if d.Description != "" {
		out["Description"] = d.Description
	}
	return out
}

func (s *Service) describeAPIDestination(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	d, _, err := s.apiDestinationByName(ctx, c, name)
	if err != nil {
		return nil, err
	}
	return destinationOut(d), nil
}

func (s *Service) updateAPIDestination(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name               string  `json:"Name"`
		Description        *string `json:"Description"`
		ConnectionArn      *string `json:"ConnectionArn"`
		InvocationEndpoint *string `json:"InvocationEndpoint"`
		HTTPMethod         *string `json:"HttpMethod"`
		RateLimit          *int    `json:"InvocationRateLimitPerSecond"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, rev, err := s.apiDestinationByName(ctx, c, in.Name)
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		d.Description = *in.Description
	}
	if in.ConnectionArn != nil {
		d.ConnectionArn = *in.ConnectionArn
	}
	if in.InvocationEndpoint != nil {
		d.InvocationEndpoint = *in.InvocationEndpoint
	}
	if in.HTTPMethod != nil {
		d.HTTPMethod = *in.HTTPMethod
	}
	if in.RateLimit != nil {
		d.RateLimit = *in.RateLimit
	}
	if err := s.checkDestination(ctx, d.ConnectionArn, d.InvocationEndpoint, d.HTTPMethod, in.RateLimit); err != nil {
		return nil, err
	}
	d.Modified = s.now()
	if _, err := s.putRecord(ctx, kindAPIDestination, d.Arn, c.scope(), d, d.Created, rev); err != nil {
		return nil, err
	}
	s.limiters.Delete(d.Arn)
	return map[string]any{"ApiDestinationArn": d.Arn, "ApiDestinationState": d.State, "CreationTime": epoch(d.Created), "LastModifiedTime": epoch(d.Modified)}, nil
}

func (s *Service) deleteAPIDestination(ctx context.Context, c *call) (any, error) {
	name, err := c.decodeName()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, _, err := s.apiDestinationByName(ctx, c, name)
	if err != nil {
		return nil, err
	}
	if err := s.deleteRecord(ctx, kindAPIDestination, d.Arn); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) listAPIDestinations(ctx context.Context, c *call) (any, error) {
	var in struct {
		NamePrefix    *string `json:"NamePrefix"`
		ConnectionArn *string `json:"ConnectionArn"`
		NextToken     *string `json:"NextToken"`
		Limit         int     `json:"Limit"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	recs, err := s.allRecords(ctx, kindAPIDestination, c.scope())
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	for _, r := range recs {
		var d apiDestinationRecord
		if json.Unmarshal(r.Data, &d) != nil || !strings.HasPrefix(d.Name, deref(in.NamePrefix)) {
			continue
		}
		if in.ConnectionArn != nil && d.ConnectionArn != *in.ConnectionArn {
			continue
		}
		m := destinationOut(&d)
		delete(m, "Description")
		items = append(items, m)
	}
	page, next, err := paginate(items, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"ApiDestinations": page}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// rateLimiter spaces calls to an API destination by its
// InvocationRateLimitPerSecond.
type rateLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func (s *Service) limiter(d *apiDestinationRecord) *rateLimiter {
	if d.RateLimit <= 0 {
		return &rateLimiter{}
	}
	l, _ := s.limiters.LoadOrStore(d.Arn, &rateLimiter{interval: time.Second / time.Duration(d.RateLimit)})
	return l.(*rateLimiter)
}

func (l *rateLimiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
