package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Lambda's code size limits.
const (
	maxZipSize      = 50 * 1024 * 1024  // a zip uploaded with the request
	maxUnzippedSize = 250 * 1024 * 1024 // the unpacked code
)

// codeDigest returns the SHA-256 of a zip as Lambda reports it (base64)
// and as a directory name (hex).
func codeDigest(zipData []byte) (b64, hexName string) {
	sum := sha256.Sum256(zipData)
	return base64.StdEncoding.EncodeToString(sum[:]), hex.EncodeToString(sum[:])
}

// checkZip validates a zip without unpacking it.
func checkZip(data []byte) (*zip.Reader, error) {
	if len(data) == 0 {
		return nil, invalidParam("Uploaded file must be a non-empty zip")
	}
	if len(data) > maxZipSize {
		return nil, &lambdaError{code: "RequestEntityTooLargeException", status: 413,
			msg: fmt.Sprintf("Request must be smaller than %d bytes for the CreateFunction operation", maxZipSize)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	var total uint64
	for _, f := range zr.File {
		if !safePath(f.Name) {
			return nil, invalidParam("Could not unzip uploaded file: the entry %q escapes the code directory", f.Name)
		}
		total += f.UncompressedSize64
	}
	if total > maxUnzippedSize {
		return nil, invalidParam("Unzipped size must be smaller than %d bytes", maxUnzippedSize)
	}
	return zr, nil
}

// safePath reports whether a zip entry name stays inside its directory.
func safePath(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return false
		}
	}
	return true
}

// storeCode writes the zip under dir (durably) and unpacks it next to it;
// it returns the code directory. The same code is stored once.
func storeCode(dir string, data []byte, zr *zip.Reader) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("lambda: store code: %w", err)
	}
	zipPath := filepath.Join(dir, "code.zip")
	codeDir := filepath.Join(dir, "code")
	if _, err := os.Stat(filepath.Join(codeDir, ".complete")); err == nil {
		return codeDir, nil
	}
	if err := writeFileSync(zipPath, data); err != nil {
		return "", err
	}
	if err := unpack(zr, codeDir); err != nil {
		return "", err
	}
	if err := writeFileSync(filepath.Join(codeDir, ".complete"), nil); err != nil {
		return "", err
	}
	return codeDir, nil
}

// writeFileSync writes a file and flushes it to disk.
func writeFileSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("lambda: write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("lambda: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("lambda: sync %s: %w", path, err)
	}
	return f.Close()
}

// unpack extracts a zip (already checked) into dir, keeping executable
// bits.
func unpack(zr *zip.Reader, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("lambda: unpack code: %w", err)
	}
	for _, f := range zr.File {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("lambda: unpack code: %w", err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("lambda: unpack code: %w", err)
		}
		mode := f.Mode().Perm() | 0o400
		if mode&0o077 == 0 && mode&0o100 == 0 {
			mode = 0o644
		}
		if err := extract(f, target, mode); err != nil {
			return err
		}
	}
	return nil
}

func extract(f *zip.File, target string, mode os.FileMode) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("lambda: unpack %s: %w", f.Name, err)
	}
	defer rc.Close()
	out, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return fmt.Errorf("lambda: unpack %s: %w", f.Name, err)
	}
	if _, err := io.Copy(out, io.LimitReader(rc, maxUnzippedSize)); err != nil {
		out.Close()
		return fmt.Errorf("lambda: unpack %s: %w", f.Name, err)
	}
	return out.Close()
}
