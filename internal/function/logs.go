package function

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// output reads what an instance's process writes to stdout and stderr (one
// pipe) and passes it on, keeping a count and the last bytes, so that an
// invocation can collect exactly the output written while it ran.
//
// A reader goroutine copies the pipe as data comes. To collect the output
// of an invocation that has just ended, drain stops the reader (by
// expiring its read deadline), reads what is left in the pipe without
// blocking, and lets the reader go on: the runtimes flush their output
// before they post a response, so everything the handler wrote is in the
// pipe by then.
type output struct {
	r    *os.File
	dest io.Writer

	mu    sync.Mutex
	total int64  // bytes seen so far
	tail  []byte // the last tailSize bytes

	paused chan struct{}
	resume chan struct{}
	done   chan struct{}
}

// tailSize is how much output is kept: what LogType=Tail returns.
const tailSize = 4096

func newOutput(r *os.File, dest io.Writer) *output {
	o := &output{r: r, dest: dest, paused: make(chan struct{}), resume: make(chan struct{}), done: make(chan struct{})}
	go o.loop()
	return o
}

func (o *output) loop() {
	defer close(o.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := o.r.Read(buf)
		if n > 0 {
			o.record(buf[:n])
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			o.paused <- struct{}{}
			<-o.resume
		default:
			return // the process closed the pipe
		}
	}
}

func (o *output) record(b []byte) {
	o.mu.Lock()
	o.total += int64(len(b))
	o.tail = append(o.tail, b...)
	if len(o.tail) > tailSize {
		o.tail = append(o.tail[:0:0], o.tail[len(o.tail)-tailSize:]...)
	}
	o.mu.Unlock()
	_, _ = o.dest.Write(b)
}

// position returns how many bytes have been seen.
func (o *output) position() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.total
}

// since drains the pipe and returns up to the last tailSize bytes of the
// output after position from.
func (o *output) since(from int64) []byte {
	o.drain()
	o.mu.Lock()
	defer o.mu.Unlock()
	n := min(o.total-from, int64(len(o.tail)))
	if n <= 0 {
		return nil
	}
	return append([]byte(nil), o.tail[int64(len(o.tail))-n:]...)
}

// drain reads whatever the pipe holds now.
func (o *output) drain() {
	if err := o.r.SetReadDeadline(time.Now()); err != nil {
		return
	}
	select {
	case <-o.paused:
	case <-o.done:
		return
	}
	// The reader waits for resume; with the deadline cleared, the raw reads
	// below make one non-blocking attempt each.
	_ = o.r.SetReadDeadline(time.Time{})
	if rc, err := o.r.SyscallConn(); err == nil {
		buf := make([]byte, 32*1024)
		for {
			var n int
			_ = rc.Read(func(fd uintptr) bool {
				n, _ = syscall.Read(int(fd), buf)
				return true
			})
			if n <= 0 {
				break
			}
			o.record(buf[:n])
		}
	}
	o.resume <- struct{}{}
}
