package transformer_test

import (
	"fmt"
	"time"

	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/transformer"
)

func Example() {
	template := `{"instance": <instance>, "status": "<instance> is <state>", "rule": <aws.events.rule-name>}`
	tr, err := transformer.Compile(transformer.Spec{
		TargetID:      "notify",
		InputPathsMap: map[string]string{"instance": "$.detail.instance-id", "state": "$.detail.state"},
		InputTemplate: &template,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	event := jsonvalue.MustParse(`{"detail-type": "EC2 Instance State-change Notification", "detail": {"instance-id": "i-0123456789", "state": "RUNNING"}}`)
	out, err := tr.Apply(event, nil, transformer.Context{RuleName: "example", IngestionTime: time.Now()})
	fmt.Println(string(out), err)

	bad := `"<instance> is <status>"`
	_, err = transformer.Compile(transformer.Spec{
		TargetID:      "notify",
		InputPathsMap: map[string]string{"instance": "$.detail.instance-id"},
		InputTemplate: &bad,
	})
	fmt.Println(err)
	// Output:
	// {"instance":"i-0123456789","status":"i-0123456789 is RUNNING","rule":"example"} <nil>
	// InputTemplate for target notify contains invalid placeholder status.
}
