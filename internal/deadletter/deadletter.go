// Package deadletter keeps the events that EventBridge targets and
// Scheduler schedules could not deliver, and lets people read them.
//
// A target's DeadLetterConfig names an SQS queue ARN. Sluice has no queue
// service yet, so a dead-letter queue is a store stream named after that
// ARN (see Stream); each entry is one message as EventBridge would have
// sent it to SQS: {"Body": "<the event or input>", "MessageAttributes":
// {"ERROR_CODE": ..., "ERROR_MESSAGE": ..., ...}}. Handler serves them
// over HTTP (GET /sluice/deadletters?queue=ARN), and `sluice deadletters`
// prints them. When queues arrive, the stream becomes the queue's
// contents.
package deadletter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-run/sluice/internal/store"
)

// Path is the URL path of the HTTP API.
const Path = "/sluice/deadletters"

// Stream returns the name of the store stream holding the dead letters
// sent to the queue with the given ARN.
func Stream(queueArn string) string { return "deadletter:" + queueArn }

// Message is one dead letter as the HTTP API returns it.
type Message struct {
	// Cursor is the message's position; pass it as "after" to read the
	// messages that follow.
	Cursor string `json:"Cursor"`
	// Time is when the message was dead-lettered.
	Time time.Time `json:"Time"`
	// Message is the stored message: Body and MessageAttributes.
	Message json.RawMessage `json:"Message"`
}

// Page is the answer of a read.
type Page struct {
	Messages []Message `json:"Messages"`
	// NextCursor is set when more messages follow.
	NextCursor string `json:"NextCursor,omitempty"`
}

// Handler serves the dead letters of a store:
//
//	GET    /sluice/deadletters?queue=ARN[&after=CURSOR][&limit=N]  read, oldest first (limit 1-1000, default 100)
//	DELETE /sluice/deadletters?queue=ARN                           purge
type Handler struct {
	Store store.Store
}

func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	queue := q.Get("queue")
	if queue == "" {
		httpError(w, http.StatusBadRequest, `the query parameter "queue" (the dead-letter queue ARN) is required`)
		return
	}
	switch r.Method {
	case http.MethodGet:
		read := store.StreamRead{Limit: 100}
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1000 {
				httpError(w, http.StatusBadRequest, fmt.Sprintf(`"limit" must be an integer from 1 to 1000, not %q`, s))
				return
			}
			read.Limit = n
		}
		if s := q.Get("after"); s != "" {
			pos, err := ParseCursor(s)
			if err != nil {
				httpError(w, http.StatusBadRequest, err.Error())
				return
			}
			read.After = pos
		}
		page, err := h.Read(r.Context(), queue, read)
		if err != nil {
			httpError(w, http.StatusInternalServerError, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(page)
	case http.MethodDelete:
		if err := h.Store.DeleteStream(r.Context(), Stream(queue)); err != nil {
			httpError(w, http.StatusInternalServerError, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, DELETE")
		httpError(w, http.StatusMethodNotAllowed, r.Method+" is not supported on "+Path)
	}
}

// Read returns a page of the dead letters of a queue.
func (h Handler) Read(ctx context.Context, queue string, read store.StreamRead) (Page, error) {
	entries, more, err := h.Store.ReadStream(ctx, Stream(queue), read)
	if err != nil {
		return Page{}, fmt.Errorf("deadletter: read %s: %w", queue, err)
	}
	page := Page{Messages: make([]Message, 0, len(entries))}
	for _, e := range entries {
		page.Messages = append(page.Messages, Message{Cursor: FormatCursor(e.Pos()), Time: e.Time.UTC(), Message: e.Data})
	}
	if more && len(entries) > 0 {
		page.NextCursor = FormatCursor(entries[len(entries)-1].Pos())
	}
	return page, nil
}

// FormatCursor encodes a stream position as "<unix nanoseconds>.<seq>".
func FormatCursor(p store.StreamPos) string {
	return strconv.FormatInt(p.Time.UnixNano(), 10) + "." + strconv.FormatInt(p.Seq, 10)
}

// ParseCursor decodes a cursor made by FormatCursor.
func ParseCursor(s string) (store.StreamPos, error) {
	ns, seq, ok := strings.Cut(s, ".")
	t, err1 := strconv.ParseInt(ns, 10, 64)
	n, err2 := strconv.ParseInt(seq, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return store.StreamPos{}, fmt.Errorf(`"after" is not a cursor returned by this API: %q`, s)
	}
	return store.StreamPos{Time: time.Unix(0, t), Seq: n}, nil
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"Message": msg})
}
