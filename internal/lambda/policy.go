package lambda

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/sluice-run/sluice/internal/awsapi"
)

// Resource policies and tags. Sluice does not authorise requests, so a
// policy is kept and reported but not enforced; keeping it lets the
// scripts and templates that grant EventBridge or a schedule permission to
// invoke a function run unchanged.

type permissionRequest struct {
	StatementID   string `json:"StatementId"`
	Action        string `json:"Action"`
	Principal     string `json:"Principal"`
	SourceArn     string `json:"SourceArn"`
	SourceAccount string `json:"SourceAccount"`
}

func (s *Service) addPermission(w http.ResponseWriter, r *http.Request, param, region string) error {
	var stmt []byte
	err := s.update(nil, r, param, region, func(f *functionRecord, body []byte) error {
		var req permissionRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
		}
		switch {
		case req.StatementID == "":
			return awsapi.ValidationField(nil, "statementId", "Member must not be null")
		case req.Action == "":
			return awsapi.ValidationField(nil, "action", "Member must not be null")
		case req.Principal == "":
			return awsapi.ValidationField(nil, "principal", "Member must not be null")
		}
		for _, raw := range f.Policy {
			if statementID(raw) == req.StatementID {
				return &lambdaError{code: "ResourceConflictException", status: 409,
					msg: "The statement id (" + req.StatementID + ") provided already exists. Please provide a new statement id, or remove the existing statement."}
			}
		}
		principal := map[string]string{"Service": req.Principal}
		if !strings.Contains(req.Principal, ".") {
			principal = map[string]string{"AWS": req.Principal}
		}
		st := map[string]any{"Sid": req.StatementID, "Effect": "Allow", "Principal": principal, "Action": req.Action, "Resource": f.Arn}
		cond := map[string]any{}
		if req.SourceArn != "" {
			cond["ArnLike"] = map[string]string{"AWS:SourceArn": req.SourceArn}
		}
		if req.SourceAccount != "" {
			cond["StringEquals"] = map[string]string{"AWS:SourceAccount": req.SourceAccount}
		}
		if len(cond) > 0 {
			st["Condition"] = cond
		}
		stmt, _ = json.Marshal(st)
		f.Policy = append(f.Policy, stmt)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"Statement": string(stmt)})
	return nil
}

func statementID(raw json.RawMessage) string {
	var st struct {
		Sid string `json:"Sid"`
	}
	_ = json.Unmarshal(raw, &st)
	return st.Sid
}

func (s *Service) getPolicy(w http.ResponseWriter, r *http.Request, param, region string) error {
	f, err := s.loadParam(r.Context(), param, region)
	if err != nil {
		return err
	}
	if len(f.Policy) == 0 {
		return &lambdaError{code: "ResourceNotFoundException", msg: "The resource you requested does not exist.", status: 404}
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": f.Policy})
	writeJSON(w, http.StatusOK, map[string]string{"Policy": string(doc), "RevisionId": f.RevisionID})
	return nil
}

func (s *Service) removePermission(w http.ResponseWriter, r *http.Request, param, region, sid string) error {
	err := s.update(nil, r, param, region, func(f *functionRecord, _ []byte) error {
		for i, raw := range f.Policy {
			if statementID(raw) == sid {
				f.Policy = append(f.Policy[:i:i], f.Policy[i+1:]...)
				return nil
			}
		}
		return &lambdaError{code: "ResourceNotFoundException", msg: "Statement " + sid + " is not found in resource policy.", status: 404}
	})
	if err != nil {
		return err
	}
	w.Header().Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tags serves ListTags, TagResource and UntagResource.
func (s *Service) tags(w http.ResponseWriter, r *http.Request, op, arn string) error {
	if op == "ListTags" {
		f, _, err := s.load(r.Context(), arn)
		if err != nil {
			return err
		}
		tags := f.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"Tags": tags})
		return nil
	}
	err := s.update(nil, r, arn, regionOf(arn), func(f *functionRecord, body []byte) error {
		if op == "TagResource" {
			var req struct {
				Tags map[string]string `json:"Tags"`
			}
			if err := json.Unmarshal(body, &req); err != nil {
				return awsapi.Errorf("SerializationException", "Could not parse the request: %v", err)
			}
			if f.Tags == nil {
				f.Tags = map[string]string{}
			}
			for k, v := range req.Tags {
				f.Tags[k] = v
			}
			if len(f.Tags) > 50 {
				return invalidParam("Number of tags exceeds resource tag limit.")
			}
			return nil
		}
		keys := r.URL.Query()["tagKeys"]
		sort.Strings(keys)
		for _, k := range keys {
			delete(f.Tags, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("x-amzn-RequestId", awsapi.NewRequestID())
	w.WriteHeader(http.StatusNoContent)
	return nil
}
