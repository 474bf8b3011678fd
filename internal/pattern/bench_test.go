package pattern

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// ebRules makes n EventBridge-shaped rules: source + detail-type + one
// condition on a detail field (a prefix, an anything-but or a numeric
// range). Sources and detail-types come from a space of 100 × 10.
func ebRules(n int) []string {
	out := make([]string, n)
	for i := range out {
		src := "com.example.svc" + strconv.Itoa(i%100)
		dt := "Order" + strconv.Itoa((i/100)%10)
		var cond string
		switch i % 3 {
		case 0:
			cond = `"customer":[{"prefix":"cust-` + strconv.Itoa(i%50) + `"}]`
		case 1:
			cond = `"status":[{"anything-but":["cancelled","failed-` + strconv.Itoa(i%7) + `"]}]`
		default:
			lo := (i * 37) % 1000
			cond = `"amount":[{"numeric":[">=",` + strconv.Itoa(lo) + `,"<",` + strconv.Itoa(lo+50) + `]}]`
		}
		out[i] = `{"source":["` + src + `"],"detail-type":["` + dt + `"],"detail":{` + cond + `}}`
	}
	return out
}

// ebEvents makes EventBridge envelopes over the same sources and types
// (and a tenth from other sources).
func ebEvents(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 7))
	statuses := []string{"created", "paid", "shipped", "cancelled", "failed-3"}
	out := make([][]byte, n)
	for i := range out {
		src := "com.example.svc" + strconv.Itoa(r.IntN(100))
		if r.IntN(10) == 0 {
			src = "aws.ec2"
		}
		ev := fmt.Sprintf(`{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-%012d","detail-type":"Order%d","source":%q,`+
			`"account":"111122223333","time":"2024-12-22T18:43:48Z","region":"us-west-1",`+
			`"resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],`+
			`"detail":{"orderId":"o-%d","customer":"cust-%d-%d","status":%q,"amount":%d.%02d,`+
			`"currency":"EUR","items":[{"sku":"A-%d","qty":%d},{"sku":"B-%d","qty":1}],"note":"deliver to the back door"}}`,
			i, r.IntN(10), src, i, r.IntN(60), r.IntN(1000), statuses[r.IntN(len(statuses))], r.IntN(1100), r.IntN(100),
			r.IntN(500), 1+r.IntN(4), r.IntN(500))
		out[i] = []byte(ev)
	}
	return out
}

// cpuTime is the CPU time the process has used. On a shared machine,
// events per CPU-second is a steadier per-core figure than events per
// wall-clock second (it still includes garbage collection).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

var benchEvents = 4096

// BenchmarkMatcher matches EventBridge envelopes against 1 to 100,000
// EventBridge-shaped rules. It reports events/s, the time to add a rule
// and the heap each rule takes.
func BenchmarkMatcher(b *testing.B) {
	events := ebEvents(benchEvents, 1)
	for _, n := range []int{1, 100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			rules := ebRules(n)
			before := heapInUse()
			start := time.Now()
			m := NewMatcher()
			for i, r := range rules {
				if err := m.Add(strconv.Itoa(i), []byte(r)); err != nil {
					b.Fatal(err)
				}
			}
			addTime := time.Since(start)
			after := heapInUse()
			matched := 0
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				ids, err := m.MatchBytes(events[i%len(events)])
				if err != nil {
					b.Fatal(err)
				}
				matched += len(ids)
			}
			cpu := cpuTime() - cpu0
			elapsed := b.Elapsed()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(matched)/float64(b.N), "matches/event")
			b.ReportMetric(float64(addTime.Nanoseconds())/float64(n), "ns/rule-add")
			b.ReportMetric(float64(int64(after)-int64(before))/float64(n), "B/rule")
			runtime.KeepAlive(m)
		})
	}
}

// BenchmarkPattern matches one compiled pattern against events.
func BenchmarkPattern(b *testing.B) {
	events := ebEvents(1024, 2)
	p := MustCompile(ebRules(3)[2])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.MatchBytes(events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
