package pattern

// reasonPrefix starts every InvalidEventPatternException message EventBridge
// returns for a bad event pattern.
const reasonPrefix = "Event pattern is not valid. Reason: "

// Error reports an invalid event pattern. Message is the text EventBridge
// puts in an InvalidEventPatternException (its first line, without the
// parser location Jackson appends), for example
// "Event pattern is not valid. Reason: Empty arrays are not allowed".
// Reason is the part after "Reason: ".
type Error struct {
	Message string
	Reason  string
}

func (e *Error) Error() string { return e.Message }

func newError(reason string) *Error {
	return &Error{Message: reasonPrefix + reason, Reason: reason}
}

// SyntaxError reports an event that is not well-formed JSON.
type SyntaxError struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong
}

func (e *SyntaxError) Error() string {
	return "pattern: invalid event JSON at offset " + itoa(e.Offset) + ": " + e.Msg
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
