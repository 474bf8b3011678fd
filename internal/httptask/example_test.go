package httptask_test

import (
	"fmt"

	"github.com/sluice-run/sluice/internal/httptask"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func ExampleEncodeForm() {
	body := jsonvalue.MustParse(`{"description":"Monthly subscription","metadata":{"order_details":"monthly report data"},"tags":["a","b"]}`)
	for _, f := range []httptask.ArrayFormat{httptask.Indices, httptask.Repeat, httptask.Commas, httptask.Brackets} {
		s, _ := httptask.EncodeForm(body, f)
		fmt.Println(s)
	}
	// Output:
	// description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&tags%5B0%5D=a&tags%5B1%5D=b
	// description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&tags=a&tags=b
	// description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&tags=a,b
	// description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&tags%5B%5D=a&tags%5B%5D=b
}

func ExampleValidateParameters() {
	err := httptask.ValidateParameters(jsonvalue.MustParse(`{
		"ApiEndpoint": "https://api.example.com/v1/customers",
		"Method": "GET",
		"Headers": {"Authorization": "Bearer hard-coded"}
	}`))
	fmt.Println(err.(*httptask.ParameterError).Pointer)
	fmt.Println(err)
	// Output:
	// /Headers/Authorization
	// The header 'Authorization' in the field 'Headers' is not supported: Step Functions does not allow it in an HTTP Task
}
