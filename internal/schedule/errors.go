package schedule

// Messages AWS returns, in a ValidationException, for a schedule
// expression it cannot parse.
const (
	// ruleMessage is EventBridge PutRule's message. It does not quote the
	// expression.
	ruleMessage = "Parameter ScheduleExpression is not valid."
	// schedulerPrefix starts EventBridge Scheduler's message; the
	// expression, exactly as sent, and a full stop follow it.
	schedulerPrefix = "Invalid Schedule Expression "
)

// Error reports a schedule expression that does not parse. Message is the
// text AWS puts in its ValidationException, word for word:
// "Parameter ScheduleExpression is not valid." for an EventBridge rule and
// "Invalid Schedule Expression <expr>." for EventBridge Scheduler. Reason
// says what is wrong in Sluice's words, for logs and diagnostics; AWS gives
// no reason.
type Error struct {
	Expr    string // the expression as given
	Message string // AWS's ValidationException message
	Reason  string // what is wrong
}

// Error returns Message, so that an API layer can answer with it as is.
func (e *Error) Error() string { return e.Message }

func newError(expr string, opts Options, reason string) *Error {
	msg := ruleMessage
	if opts.Scheduler {
		msg = schedulerPrefix + expr + "."
	}
	return &Error{Expr: expr, Message: msg, Reason: reason}
}
