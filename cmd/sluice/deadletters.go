package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/sluice-run/sluice/internal/deadletter"
)

// deadlettersCmd prints, or with --purge deletes, the events a dead-letter
// queue holds: those that targets and schedules could not deliver.
func deadlettersCmd(args []string, s stdio) int {
	c := newCLI(s, "deadletters", "QUEUE_ARN [--purge]",
		"Prints the events that rule targets and schedules dead-lettered to the queue QUEUE_ARN (the ARN\n"+
			"in their DeadLetterConfig), oldest first: time, error code and message, and the event or input.\n"+
			"A bare name stands for arn:aws:sqs:REGION:ACCOUNT:NAME.")
	purge := c.fs.Bool("purge", false, "delete the queue's dead letters instead of printing them")
	pos, code, ok := c.parse(args, 1)
	if !ok {
		return code
	}
	defer c.close()
	queue := pos[0]
	if !strings.HasPrefix(queue, "arn:") {
		queue = fmt.Sprintf("arn:aws:sqs:%s:%s:%s", c.region, c.account, queue)
	}
	base := strings.TrimSuffix(c.endpoint, "/") + deadletter.Path + "?queue=" + url.QueryEscape(queue)
	if *purge {
		req, err := http.NewRequestWithContext(c.ctx, http.MethodDelete, base, nil)
		if err != nil {
			return c.fail(err)
		}
		if _, err := c.doDeadLetters(req); err != nil {
			return c.fail(err)
		}
		return 0
	}
	after := ""
	for {
		u := base + "&limit=1000"
		if after != "" {
			u += "&after=" + url.QueryEscape(after)
		}
		req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, u, nil)
		if err != nil {
			return c.fail(err)
		}
		body, err := c.doDeadLetters(req)
		if err != nil {
			return c.fail(err)
		}
		var page deadletter.Page
		if err := json.Unmarshal(body, &page); err != nil {
			return c.fail(fmt.Errorf("read dead letters: %w", err))
		}
		for _, m := range page.Messages {
			c.printDeadLetter(m)
		}
		if page.NextCursor == "" {
			return 0
		}
		after = page.NextCursor
	}
}

// doDeadLetters sends a request to the dead-letter API and returns the
// body of a successful answer.
func (c *cli) doDeadLetters(req *http.Request) ([]byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e struct{ Message string }
		json.Unmarshal(body, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(body))
		}
		return nil, fmt.Errorf("%s: %s", resp.Status, e.Message)
	}
	return body, nil
}

// printDeadLetter prints one dead letter: as its JSON with --json, or as
// a header line (time, error code, message) followed by the body.
func (c *cli) printDeadLetter(m deadletter.Message) {
	if c.json {
		line, _ := json.Marshal(m)
		c.s.out.Write(append(line, '\n'))
		return
	}
	var msg struct {
		Body              string
		MessageAttributes map[string]any
	}
	json.Unmarshal(m.Message, &msg)
	attr := func(k string) string {
		if v, ok := msg.MessageAttributes[k]; ok {
			return fmt.Sprint(v)
		}
		return "-"
	}
	fmt.Fprintf(c.s.out, "%s  %s  %s  (%s, %s retries)\n", m.Time.Format("2006-01-02T15:04:05.000Z"), attr("ERROR_CODE"),
		attr("ERROR_MESSAGE"), attr("EXHAUSTED_RETRY_CONDITION"), attr("RETRY_ATTEMPTS"))
	var b bytes.Buffer
	if json.Indent(&b, []byte(msg.Body), "  ", "  ") != nil {
		b.Reset()
		b.WriteString(msg.Body)
	}
	fmt.Fprintf(c.s.out, "  %s\n", b.String())
}
