package sfn

import (
	"context"
	"errors"

	"github.com/sluice-run/sluice/internal/awsapi"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/runtime"
	"github.com/sluice-run/sluice/internal/teststate"
)

type testStateInput struct {
	Definition      *string `json:"definition"`
	RoleArn         *string `json:"roleArn"`
	Input           *string `json:"input"`
	InspectionLevel string  `json:"inspectionLevel"`
	RevealSecrets   bool    `json:"revealSecrets"`
	Variables       *string `json:"variables"`
	StateName       *string `json:"stateName"`
	Context         *string `json:"context"`
	Mock            *struct {
		Result      *string `json:"result"`
		ErrorOutput *struct {
			Error string `json:"error"`
			Cause string `json:"cause"`
		} `json:"errorOutput"`
		FieldValidationMode string `json:"fieldValidationMode"`
	} `json:"mock"`
	StateConfiguration *struct {
		RetrierRetryCount        int64   `json:"retrierRetryCount"`
		ErrorCausedByState       string  `json:"errorCausedByState"`
		MapIterationFailureCount int64   `json:"mapIterationFailureCount"`
		MapItemReaderData        *string `json:"mapItemReaderData"`
	} `json:"stateConfiguration"`
}

// testState runs one state in isolation (TestState), invoking real
// resources through the engine's handlers unless the request mocks them.
func (s *Service) testState(ctx context.Context, c *call) (any, error) {
	var in testStateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := required(in.Definition, "definition"); err != nil {
		return nil, err
	}
	switch in.InspectionLevel {
	case "", "INFO", "DEBUG", "TRACE":
	default:
		return nil, awsapi.ValidationField(in.InspectionLevel, "inspectionLevel", "Member must satisfy enum value set: [INFO, DEBUG, TRACE]")
	}
	req := teststate.Request{Definition: []byte(*in.Definition), StateName: deref(in.StateName), InspectionLevel: in.InspectionLevel,
		RevealSecrets: in.RevealSecrets, RoleArn: deref(in.RoleArn),
		Env: teststate.Environment{Region: c.region, AccountID: c.account, Now: s.now()}}
	req.Input = jsonvalue.NewObject(0)
	if in.Input != nil {
		v, err := jsonvalue.ParseString(*in.Input)
		if err != nil {
			return nil, awsapi.Errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%v'", err)
		}
		req.Input, req.RawInput = v, []byte(*in.Input)
	}
	parseOpt := func(p *string, field string) (jsonvalue.Value, error) {
		if p == nil {
			return nil, nil
		}
		v, err := jsonvalue.ParseString(*p)
		if err != nil {
			return nil, awsapi.Validation("The field '%s' must be valid JSON: %v", field, err)
		}
		return v, nil
	}
	var err error
	if req.Variables, err = parseOpt(in.Variables, "variables"); err != nil {
		return nil, err
	}
	if req.Context, err = parseOpt(in.Context, "context"); err != nil {
		return nil, err
	}
	if m := in.Mock; m != nil {
		req.Mock = &teststate.Mock{Result: m.Result, FieldValidationMode: m.FieldValidationMode}
		if m.ErrorOutput != nil {
			req.Mock.ErrorOutput = &teststate.MockErrorOutput{Error: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause}
		}
	}
	if sc := in.StateConfiguration; sc != nil {
		req.Config = &teststate.StateConfiguration{RetrierRetryCount: sc.RetrierRetryCount, ErrorCausedByState: sc.ErrorCausedByState,
			MapIterationFailureCount: sc.MapIterationFailureCount, MapItemReaderData: sc.MapItemReaderData}
	}
	invoke := func(ctx context.Context, tr *interp.TaskRequest) (jsonvalue.Value, *interp.TaskFailure) {
		h, ok := s.eng.Resources().Lookup(tr.Resource)
		if !ok {
			return nil, &interp.TaskFailure{Error: "States.TaskFailed", Cause: "The resource '" + tr.Resource + "' is not available in Sluice"}
		}
		res := h(ctx, &runtime.Task{ExecutionArn: "teststate", Request: tr, IdempotencyKey: "teststate#" + newUUID(), Region: c.region, Account: c.account})
		if res.Async {
			return nil, &interp.TaskFailure{Error: "States.Runtime", Cause: "TestState cannot wait for a callback; mock the result instead"}
		}
		return res.Output, res.Failure
	}
	resp, err := teststate.Run(ctx, req, invoke)
	if err != nil {
		var te *teststate.Error
		if errors.As(err, &te) {
			return nil, awsapi.Errorf(te.Code, "%s", te.Message)
		}
		return nil, err
	}
	return resp.AppendJSON(nil), nil
}
