package jsonata

import (
	"errors"
	"math"
	"testing"
	"unicode"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func TestFormatNumber(t *testing.T) {
	runDTCases(t, []dtCase{
		{`$formatNumber(12345.6, "#,###.00")`, `"12,345.60"`},
		{`$formatNumber(12345678.9, "9,999.99")`, `"12,345,678.90"`},
		{`$formatNumber(123412345678.9, "9,9,99.99")`, `"123412345,6,78.90"`},
		{`$formatNumber(1234.56789, "9,999.999,999")`, `"1,234.567,890"`},
		{`$formatNumber(123.9, "9999")`, `"0124"`},
		{`$formatNumber(0.14, "01%")`, `"14%"`},
		{`$formatNumber(0.4857,"###.###‰")`, `"485.7‰"`},
		{`$formatNumber(0.14, "###pm", {"per-mille": "pm"})`, `"140pm"`},
		{`$formatNumber(-6, "000")`, `"-006"`},
		{`$formatNumber(1234.5678, "00.000e0")`, `"12.346e2"`},
		{`$formatNumber(1234.5678, "00.000e000")`, `"12.346e002"`},
		{`$formatNumber(1234.5678, "①①.①①①e①", {"zero-digit": "⑟"})`, `"①②.③④⑥e②"`},
		{`$formatNumber(0.234, "0.0e0")`, `"2.3e-1"`},
		{`$formatNumber(0.234, "#.00e0")`, `"0.23e0"`},
		{`$formatNumber(0.123, "#.e9")`, `"0.1e0"`},
		{`$formatNumber(0.234, ".00e0")`, `".23e0"`},
		{`$formatNumber(2392.14*(-36.58), "000,000.000###;###,###.000###")`, `"87,504.4812"`},
		{`$formatNumber(2.14*86.58,"PREFIX##00.000###SUFFIX")`, `"PREFIX185.2812SUFFIX"`},
		{`$formatNumber(1E20,"#,######")`, `"100,000000,000000,000000"`},
		{`$formatNumber(2, 'AAA.AAA', {'zero-digit': 'A'})`, `"AAC.AAA"`},
		{`$formatNumber(0.1, 'AeAAA', {'zero-digit': 'A'})`, `"Be-AAB"`},
		{`$formatNumber(foo, '#0.00')`, `undefined`},
		// Beyond the test suite.
		{`$formatNumber(1234.5, '#.##0,00', {'decimal-separator': ',', 'grouping-separator': '.'})`, `"1.234,50"`},
		{`$formatNumber(-1234.5, '#,##0.00')`, `"-1,234.50"`},
		{`$formatNumber(-1234.5, '#,##0.00', {'minus-sign': '−'})`, `"−1,234.50"`},
		{`$formatNumber(-1234.5, '#,##0.00;(#,##0.00)')`, `"(1,234.50)"`},
		{`$formatNumber(1234567, '#,##,##0')`, `"12,34,567"`},
		{`$formatNumber(5, '##,##,##0')`, `"5"`},
		{`$formatNumber(1.5, '0.###,###')`, `"1.5"`},
		{`$formatNumber(0, '0.0e0')`, `"0.0e0"`},
		{`$formatNumber(-1234.5678, '0.00e0')`, `"-1.23e3"`},
		{`$formatNumber(0.5, '#')`, `"0"`},
		{`$formatNumber(1.5, '#')`, `"2"`},
		{`$formatNumber(0.125, '0.00')`, `"0.12"`},
		{`$formatNumber(12, '#0 apples')`, `"12 apples"`},
		{`$formatNumber(12, '0e')`, `"12e"`},
		{`$formatNumber(0.5, '0.0#######################################################')`, `"0.5"`},
		{`$formatNumber(3, '0', {'pattern-separator': ''})`, `"3"`},
		// Picture errors.
		{`$formatNumber(20,"#;#;#")`, `error:D3080`},
		{`$formatNumber(20,"#.0.0")`, `error:D3081`},
		{`$formatNumber(20,"#0%%")`, `error:D3082`},
		{`$formatNumber(20,"#0‰‰")`, `error:D3083`},
		{`$formatNumber(20,"#0%‰")`, `error:D3084`},
		{`$formatNumber(20,".e0")`, `error:D3085`},
		{`$formatNumber(20,"abc")`, `error:D3085`},
		{`$formatNumber(20,"")`, `error:D3085`},
		{`$formatNumber(20,"0+.e0")`, `error:D3086`},
		{`$formatNumber(20,"0,.e0")`, `error:D3087`},
		{`$formatNumber(20,"0,")`, `error:D3088`},
		{`$formatNumber(20,"0,,0")`, `error:D3089`},
		{`$formatNumber(20,"0#.e0")`, `error:D3090`},
		{`$formatNumber(20,"#0.#0e0")`, `error:D3091`},
		{`$formatNumber(20,"#0.0e0%")`, `error:D3092`},
		{`$formatNumber(20,"#0.0e0,0")`, `error:D3093`},
	})
}

func TestFormatBase(t *testing.T) {
	runDTCases(t, []dtCase{
		{`$formatBase(100)`, `"100"`},
		{`$formatBase(nothing)`, `undefined`},
		{`$formatBase(100, 2)`, `"1100100"`},
		{`$formatBase(-100, 2)`, `"-1100100"`},
		{`$formatBase(100, 36)`, `"2s"`},
		{`$formatBase(99.5, 2.5)`, `"1100100"`},
		{`$formatBase(255, 16)`, `"ff"`},
		{`$formatBase(-255.5, 16)`, `"-100"`},
		{`$formatBase(2e21, 10)`, `"2e+21"`},
		{`$formatBase(2e21, 16)`, `"6c6b935b8bbd400000"`},
		{`$formatBase(100, 1)`, `error:D3100`},
		{`$formatBase(100, 37)`, `error:D3100`},
	})
}

func TestFormatInteger(t *testing.T) {
	runDTCases(t, []dtCase{
		{`$formatInteger(undefined, '0')`, `undefined`},
		{`$formatInteger(123, '0000')`, `"0123"`},
		{`$formatInteger(-3, '0000')`, `"-0003"`},
		{`$formatInteger(1234, '0;c')`, `"1234"`},
		{`$formatInteger(12.6, '###0')`, `"12"`},
		{`$formatInteger(123, '000;o')`, `"123rd"`},
		{`$formatInteger(1, '0;o')`, `"1st"`},
		{`$formatInteger(22, '0;o')`, `"22nd"`},
		{`$formatInteger(11, '0;o')`, `"11th"`},
		{`$formatInteger(112, '0;o')`, `"112th"`},
		{`$formatInteger(12340, '###١')`, `"١٢٣٤٠"`},
		{`$formatInteger(12340, '###０')`, `"１２３４０"`},
		{`$formatInteger(12340, '##0０')`, `error:D3131`},
		{`$formatInteger(1200, '#,##0')`, `"1,200"`},
		{`$formatInteger(1234567890, '#,###,##0')`, `"1,234,567,890"`},
		{`$formatInteger(1234567890, '#:###,##0')`, `"1234:567,890"`},
		{`$formatInteger(1234567890, '##,##,##0')`, `"12345,67,890"`},
		{`$formatInteger(5, '#:###,##0')`, `"5"`},
		{`$formatInteger(0, 'I')`, `""`},
		{`$formatInteger(1984, 'I')`, `"MCMLXXXIV"`},
		{`$formatInteger(99, 'i')`, `"xcix"`},
		{`$formatInteger(1e300, 'I')`, `error:D3130`},
		{`$formatInteger(0, 'w')`, `"zero"`},
		{`$formatInteger(12, 'w')`, `"twelve"`},
		{`$formatInteger(99, 'W')`, `"NINETY-NINE"`},
		{`$formatInteger(555, 'Ww')`, `"Five Hundred and Fifty-Five"`},
		{`$formatInteger(3730, 'w')`, `"three thousand, seven hundred and thirty"`},
		{`$formatInteger(1000000000001, 'w')`, `"one trillion and one"`},
		{`$formatInteger(1000000000000000, 'w')`, `"one thousand trillion"`},
		{`$formatInteger(1e+46, 'w')`, `"ten billion trillion trillion trillion"`},
		{`$formatInteger(12, 'w;o')`, `"twelfth"`},
		{`$formatInteger(20, 'w;o')`, `"twentieth"`},
		{`$formatInteger(100, 'w;o')`, `"one hundredth"`},
		{`$formatInteger(1000000000001, 'w;o')`, `"one trillion and first"`},
		{`$formatInteger(733, 'Ww;o')`, `"Seven Hundred and Thirty-Third"`},
		{`$formatInteger(1, 'A')`, `"A"`},
		{`$formatInteger(27, 'a')`, `"aa"`},
		{`$formatInteger(300, 'A')`, `"KN"`},
		{`$formatInteger(702, 'A')`, `"ZZ"`},
		{`$formatInteger(703, 'A')`, `"AAA"`},
		{`$formatInteger(123456, 'α')`, `error:D3130`},
		{`$formatInteger(1, '#')`, `error:D3130`},
		{`$formatInteger(1, '')`, `error:D3130`},
	})
}

func TestParseInteger(t *testing.T) {
	runDTCases(t, []dtCase{
		{`$parseInteger(undefined, '0')`, `undefined`},
		{`$parseInteger('0123', '0000')`, `123`},
		{`$parseInteger('123rd', '000;o')`, `123`},
		{`$parseInteger('١٢٣٤٠', '###١')`, `12340`},
		{`$parseInteger('1,234,567,890', '#,##0')`, `1234567890`},
		{`$parseInteger('1234:567,890', '#:###,##0')`, `1234567890`},
		{`$parseInteger('', 'I')`, `0`},
		{`$parseInteger('MCMLXXXIV', 'I')`, `1984`},
		{`$parseInteger('xcix', 'i')`, `99`},
		{`$parseInteger('FIVE HUNDRED AND FIFTY-FIVE', 'W')`, `555`},
		{`$parseInteger('one trillion, two hundred and thirty-four billion, five hundred and sixty-seven million, eight hundred and ninety thousand, one hundred and twenty-three', 'w')`, `1234567890123`},
		{`$parseInteger('ten billion trillion trillion trillion', 'w')`, `1e+46`},
		{`$parseInteger('Seven Hundred and Thirty-Third', 'Ww;o')`, `733`},
		{`$parseInteger('FZPH', 'A')`, `123456`},
		{`$parseInteger('abc', '0')`, `undefined`},
		{`$parseInteger('twelve apples', 'w')`, `undefined`},
		{`$parseInteger('50', '#')`, `error:D3130`},
	})
	// Every number formats and parses back, in every presentation.
	for _, pic := range []string{"0", "#,##0;o", "w", "Ww;o", "I", "a", "٠٠"} {
		for _, n := range []float64{1, 7, 12, 21, 99, 100, 101, 999, 1000, 1001, 12345, 1000000, 7654321} {
			p, err := parseIntPicture(pic)
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.format(n)
			if err != nil {
				t.Fatal(err)
			}
			if back, ok := p.parse(s); !ok || back != n {
				t.Errorf("%q: %v -> %q -> %v, %v", pic, n, s, back, ok)
			}
		}
	}
}

// TestDigitZero checks that every Unicode decimal digit maps to the zero
// of its family of ten.
func TestDigitZero(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		z, ok := digitZero(r)
		if ok != unicode.Is(unicode.Nd, r) {
			t.Fatalf("digitZero(%U) ok = %v", r, ok)
		}
		if !ok {
			continue
		}
		if r < z || r-z > 9 {
			t.Fatalf("digitZero(%U) = %U", r, z)
		}
		for d := z; d <= z+9; d++ {
			if !unicode.Is(unicode.Nd, d) {
				t.Fatalf("digitZero(%U) = %U, but %U is not a digit", r, z, d)
			}
		}
	}
}

func TestRoundHalfEven(t *testing.T) {
	for _, c := range []struct {
		x    float64
		p    int
		want float64
	}{
		{2.5, 0, 2}, {3.5, 0, 4}, {-2.5, 0, -2}, {0.125, 2, 0.12}, {0.135, 2, 0.14},
		{2.675, 2, 2.68}, {1e300, 400, 1e300}, {-0.4, 0, 0},
	} {
		got := nfRound(c.x, c.p)
		if got != c.want || math.Signbit(got) != math.Signbit(c.want) {
			t.Errorf("nfRound(%v, %d) = %v, want %v", c.x, c.p, got, c.want)
		}
	}
}

// FuzzNumberPicture checks that no picture makes $formatNumber,
// $formatInteger or $parseInteger panic, and that every failure is a
// JSONata error.
func FuzzNumberPicture(f *testing.F) {
	for _, seed := range []string{
		"#,###.00", "9,9,99.99", "00.000e000", "#.e9", "0e", ";", "#;#;#", "", "%", "‰", "0,", "0,,0",
		"#0.0e0,0", "##0０", "w;o", "Ww", "I", "a", "α", "###١", "#:###,##0", "0.###,###", "e0", ".e0",
	} {
		f.Add(seed, 1234.5678, "")
		f.Add(seed, -0.001, "A")
	}
	f.Fuzz(func(t *testing.T, pic string, n float64, zero string) {
		check := func(err error) {
			if err == nil {
				return
			}
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("picture %q: non-JSONata error %v", pic, err)
			}
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return
		}
		opts := objectWith("zero-digit", zero)
		_, err := formatNumberPicture(n, pic, newDecimalFormat(opts))
		check(err)
		p, err := parseIntPicture(pic)
		check(err)
		if err == nil {
			s, err := p.format(math.Floor(n))
			check(err)
			if err == nil {
				p.parse(s)
			}
		}
	})
}

// objectWith returns an object with one string property, or nil
// when the value is empty.
func objectWith(key, value string) *Object {
	if value == "" {
		return nil
	}
	o := jsonvalue.NewObject(1)
	o.Append(key, value)
	return o
}
