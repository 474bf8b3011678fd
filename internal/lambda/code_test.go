package lambda

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zipBytes(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCheckZip checks the code archives Lambda would refuse.
func TestCheckZip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "non-empty zip"},
		{"not a zip", []byte("hello"), "Could not unzip"},
		{"parent escape", zipBytes(t, map[string]string{"../evil.py": "x"}), "escapes the code directory"},
		{"absolute", zipBytes(t, map[string]string{"/etc/evil": "x"}), "escapes the code directory"},
		{"nested escape", zipBytes(t, map[string]string{"a/../../evil": "x"}), "escapes the code directory"},
	} {
		if _, err := checkZip(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := checkZip(zipBytes(t, map[string]string{"app.py": "x", "lib/util.py": "y"})); err != nil {
		t.Errorf("a good zip: %v", err)
	}
}

// FuzzCode checks that no archive makes the checks panic or lets
// unpacking write outside the code directory.
func FuzzCode(f *testing.F) {
	f.Add(zipBytes(f, map[string]string{"app.py": "def handler(e, c): return e", "pkg/mod.py": ""}))
	f.Add(zipBytes(f, map[string]string{"../x": "y"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := checkZip(data)
		if err != nil {
			return
		}
		root := t.TempDir()
		dir := filepath.Join(root, "code")
		if err := unpack(zr, dir); err != nil {
			return
		}
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && !strings.HasPrefix(p, root) {
				t.Fatalf("unpacking wrote %s outside %s", p, root)
			}
			return nil
		})
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if e.Name() != "code" {
				t.Fatalf("unpacking wrote %s next to the code directory", e.Name())
			}
		}
	})
}
