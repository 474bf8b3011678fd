// Package pattern compares Sluice's event-pattern matcher with Quamina on
// the same patterns and events. It is a separate module so that the
// product never depends on Quamina.
package pattern

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sluice "github.com/sluice-run/sluice/internal/pattern"
	"quamina.net/go/quamina"
)

// engine is what the benchmarks need of a matcher.
type engine interface {
	add(id, pattern string) error
	match(event []byte) (int, error)
}

type sluiceEngine struct{ m *sluice.Matcher }

func (e sluiceEngine) add(id, p string) error { return e.m.Add(id, []byte(p)) }
func (e sluiceEngine) match(ev []byte) (int, error) {
	ids, err := e.m.MatchBytes(ev)
	return len(ids), err
}

type quaminaEngine struct{ q *quamina.Quamina }

func (e quaminaEngine) add(id, p string) error { return e.q.AddPattern(id, p) }
func (e quaminaEngine) match(ev []byte) (int, error) {
	ids, err := e.q.MatchesForEvent(ev)
	return len(ids), err
}

// engineCache keeps built engines across the repeated calls the testing
// package makes of a benchmark function (adding 100,000 rules to Quamina
// takes a while).
var engineCache = map[string][2]engine{}

func cachedEngines(tb testing.TB, key string, patterns func() []string) (engine, engine) {
	tb.Helper()
	if e, ok := engineCache[key]; ok {
		return e[0], e[1]
	}
	s, q := newEngines(tb, patterns())
	engineCache[key] = [2]engine{s, q}
	return s, q
}

func newEngines(tb testing.TB, patterns []string) (engine, engine) {
	tb.Helper()
	q, err := quamina.New()
	if err != nil {
		tb.Fatal(err)
	}
	s, qe := sluiceEngine{sluice.NewMatcher()}, quaminaEngine{q}
	for i, p := range patterns {
		id := strconv.Itoa(i)
		if err := s.add(id, p); err != nil {
			tb.Fatalf("sluice: %s: %v", p, err)
		}
		if err := qe.add(id, p); err != nil {
			tb.Fatalf("quamina: %s: %v", p, err)
		}
	}
	return s, qe
}

// minMeasure is the least time each engine is measured for. The testing
// package sizes b.N so that both engines together take about -benchtime;
// when one engine is thousands of times slower than the other, b.N events
// would take the faster one a millisecond or two, too short (and too
// cache-cold) a sample, so each engine runs at least b.N events and at
// least this long, cycling through the events.
const minMeasure = 300 * time.Millisecond

// compare times both engines over the same events and reports events/s for
// both and their ratio. Each engine is warmed up on a few events, then
// measured separately over at least b.N events and at least minMeasure.
func compare(b *testing.B, s, q engine, events [][]byte) {
	b.Helper()
	run := func(e engine) (wall, cpu float64, n int) {
		for i := 0; i < 8 && i < len(events); i++ {
			if _, err := e.match(events[i]); err != nil {
				b.Fatal(err)
			}
		}
		start, cpu0 := time.Now(), cpuTime()
		for n < b.N || n%16 != 0 || time.Since(start) < minMeasure {
			if _, err := e.match(events[n%len(events)]); err != nil {
				b.Fatal(err)
			}
			n++
		}
		return float64(n) / time.Since(start).Seconds(), float64(n) / (cpuTime() - cpu0).Seconds(), n
	}
	b.ResetTimer()
	se, sc, sn := run(s)
	qe, qc, qn := run(q)
	b.StopTimer()
	b.ReportMetric(se, "sluice-events/s")
	b.ReportMetric(qe, "quamina-events/s")
	b.ReportMetric(se/qe, "ratio")
	b.ReportMetric(sc, "sluice-events/cpu-s")
	b.ReportMetric(qc, "quamina-events/cpu-s")
	b.ReportMetric(sc/qc, "cpu-ratio")
	b.ReportMetric(float64(sn), "sluice-events")
	b.ReportMetric(float64(qn), "quamina-events")
	b.ReportMetric(0, "ns/op")
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

// countMatches checks that both engines find the same number of matches.
func countMatches(tb testing.TB, s, q engine, events [][]byte) int {
	tb.Helper()
	total := 0
	for _, ev := range events {
		ns, err := s.match(ev)
		if err != nil {
			tb.Fatal(err)
		}
		nq, err := q.match(ev)
		if err != nil {
			tb.Fatal(err)
		}
		if ns != nq {
			tb.Fatalf("sluice found %d matches, quamina %d, for %s", ns, nq, ev)
		}
		total += ns
	}
	return total
}

// The citylots2 data set: 213,068 GeoJSON features of San Francisco, shipped
// in Quamina's module as testdata/citylots2.json.gz.
var (
	cityOnce  sync.Once
	cityLines [][]byte
	cityErr   error
)

func citylotsPath() (string, error) {
	if p := os.Getenv("CITYLOTS2"); p != "" {
		return p, nil
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "quamina.net/go/quamina").Output()
	if err != nil {
		return "", fmt.Errorf("locating quamina's module (set CITYLOTS2 to the file): %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "testdata", "citylots2.json.gz"), nil
}

func citylots(tb testing.TB) [][]byte {
	tb.Helper()
	cityOnce.Do(func() {
		path, err := citylotsPath()
		if err != nil {
			cityErr = err
			return
		}
		f, err := os.Open(path)
		if err != nil {
			cityErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			cityErr = err
			return
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			cityLines = append(cityLines, append([]byte(nil), sc.Bytes()...))
		}
		cityErr = sc.Err()
	})
	if cityErr != nil {
		tb.Skipf("citylots2 data set not available: %v", cityErr)
	}
	return cityLines
}

func props(field, cond string) string {
	return `{"properties":{"` + field + `":[` + cond + `]}}`
}

// cityFamilies are the rule families of Quamina's and event-ruler's
// citylots2 benchmarks (five rules each), with the match counts both
// projects publish, plus the mixed set of Quamina's BenchmarkCityLots.
var cityFamilies = []struct {
	name     string
	patterns []string
	matches  int // total over the data set, or -1 when not published
}{
	{"exact", []string{
		props("MAPBLKLOT", `"1430022"`), props("MAPBLKLOT", `"2607117"`), props("MAPBLKLOT", `"2607218"`),
		props("MAPBLKLOT", `"3745012"`), props("MAPBLKLOT", `"VACSTWIL"`),
	}, 1 + 101 + 35 + 655 + 1},
	{"prefix", []string{
		props("STREET", `{"prefix":"AC"}`), props("STREET", `{"prefix":"BL"}`), props("STREET", `{"prefix":"DR"}`),
		props("STREET", `{"prefix":"FU"}`), props("STREET", `{"prefix":"RH"}`),
	}, 24 + 442 + 38 + 2387 + 328},
	{"anything-but", []string{
		props("STREET", `{"anything-but":["FULTON"]}`), props("STREET", `{"anything-but":["MASON"]}`),
		props("ST_TYPE", `{"anything-but":["ST"]}`), `{"geometry":{"type":[{"anything-but":["Polygon"]}]}}`,
		props("FROM_ST", `{"anything-but":["441"]}`),
	}, 211158 + 210411 + 96682 + 120 + 210615},
	{"wildcard", []string{
		props("MAPBLKLOT", `{"wildcard":"143*"}`), props("MAPBLKLOT", `{"wildcard":"2*0*1*7"}`),
		props("MAPBLKLOT", `{"wildcard":"*218"}`), props("MAPBLKLOT", `{"wildcard":"3*5*2"}`),
		props("MAPBLKLOT", `{"wildcard":"VA*IL"}`),
	}, 490 + 713 + 43 + 2540 + 1},
	{"equals-ignore-case", []string{
		props("STREET", `{"equals-ignore-case":"jefferson"}`), props("STREET", `{"equals-ignore-case":"bEaCh"}`),
		props("STREET", `{"equals-ignore-case":"HyDe"}`), props("STREET", `{"equals-ignore-case":"CHESTNUT"}`),
		props("ST_TYPE", `{"equals-ignore-case":"st"}`),
	}, 131 + 211 + 1758 + 825 + 116386},
	{"mixed", []string{
		`{"properties":{"STREET":["CRANLEIGH"]}}`,
		`{"properties":{"STREET":["17TH"],"ODD_EVEN":["E"]}}`,
		`{"geometry":{"coordinates":[37.807807921694092]}}`,
		`{"properties":{"MAPBLKLOT":["0011008"],"BLKLOT":["0011008"]},"geometry":{"coordinates":[37.807807921694092]}}`,
	}, -1},
}

// TestCityLotsMatchCounts checks that both engines find the published
// numbers of matches in citylots2.
func TestCityLotsMatchCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	lines := citylots(t)
	for _, fam := range cityFamilies {
		s, q := newEngines(t, fam.patterns)
		got := countMatches(t, s, q, lines)
		if fam.matches >= 0 && got != fam.matches {
			t.Errorf("%s: %d matches, want %d", fam.name, got, fam.matches)
		}
		t.Logf("%s: %d matches", fam.name, got)
	}
}

// BenchmarkCityLots runs each citylots2 rule family through both engines.
func BenchmarkCityLots(b *testing.B) {
	lines := citylots(b)
	for _, fam := range cityFamilies {
		b.Run(fam.name, func(b *testing.B) {
			s, q := cachedEngines(b, "city/"+fam.name, func() []string { return fam.patterns })
			compare(b, s, q, lines)
		})
	}
}

// ebRules makes n EventBridge-shaped rules both engines support: source +
// detail-type + a prefix, anything-but or exact condition on a detail
// field. (Quamina has no numeric matching; the product benchmark in
// internal/pattern also covers numeric ranges.)
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
			cond = `"orderId":["o-` + strconv.Itoa((i*37)%5000) + `"]`
		}
		out[i] = `{"source":["` + src + `"],"detail-type":["` + dt + `"],"detail":{` + cond + `}}`
	}
	return out
}

// ebEvents makes EventBridge envelopes over the same sources and types (and
// a tenth from other sources).
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
			i, r.IntN(10), src, r.IntN(5000), r.IntN(60), r.IntN(1000), statuses[r.IntN(len(statuses))], r.IntN(1100), r.IntN(100),
			r.IntN(500), 1+r.IntN(4), r.IntN(500))
		out[i] = []byte(ev)
	}
	return out
}

var ebSizes = []int{1, 100, 10_000, 100_000}

func TestEventBridgeMatchCounts(t *testing.T) {
	events := ebEvents(2000, 3)
	for _, n := range ebSizes {
		if n > 10_000 && testing.Short() {
			continue
		}
		s, q := newEngines(t, ebRules(n))
		t.Logf("%d rules: %d matches over %d events", n, countMatches(t, s, q, events), len(events))
	}
}

// BenchmarkEventBridge runs EventBridge-shaped rule sets of 1 to 100,000
// rules through both engines.
func BenchmarkEventBridge(b *testing.B) {
	events := ebEvents(4096, 1)
	for _, n := range ebSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			s, q := cachedEngines(b, fmt.Sprint("eb/", n), func() []string { return ebRules(n) })
			compare(b, s, q, events)
		})
	}
}
