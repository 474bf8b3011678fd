package bus

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strings"
	"testing"

	"github.com/sluice-run/sluice/internal/jsonvalue"
)

func mac(newHash func() hash.Hash, secret, body string) []byte {
	m := hmac.New(newHash, []byte(secret))
	m.Write([]byte(body))
	return m.Sum(nil)
}

func TestWebhookSignatureVerify(t *testing.T) {
	t.Parallel()
	const secret, body = "It's a Secret to Everybody", `{"zen":"Design for failure."}`
	sha256Hex := hex.EncodeToString(mac(sha256.New, secret, body))
	github := webhookSignature{Header: "X-Hub-Signature-256", Algorithm: algHMACSHA256, Encoding: "hex", Prefix: "sha256=", Secret: secret}
	legacy := webhookSignature{Header: "X-Hub-Signature", Algorithm: algHMACSHA1, Encoding: "hex", Prefix: "sha1=", Secret: secret}
	b64 := webhookSignature{Header: "X-Signature", Algorithm: algHMACSHA256, Encoding: "base64", Secret: secret}
	token := webhookSignature{Header: "X-Gitlab-Token", Algorithm: algToken, Secret: secret}
	bearer := webhookSignature{Header: "Authorization", Algorithm: algToken, Prefix: "Bearer ", Secret: secret}
	cases := []struct {
		name   string
		sig    webhookSignature
		header string // the signature header's value; "" for none
		body   string
		want   error
	}{
		{"sha256 hex", github, "sha256=" + sha256Hex, body, nil},
		{"sha256 upper-case hex", github, "sha256=" + strings.ToUpper(sha256Hex), body, nil},
		{"sha256 surrounding space", github, " sha256=" + sha256Hex + " ", body, nil},
		{"sha1 hex", legacy, "sha1=" + hex.EncodeToString(mac(sha1.New, secret, body)), body, nil},
		{"sha256 base64", b64, base64.StdEncoding.EncodeToString(mac(sha256.New, secret, body)), body, nil},
		{"token", token, secret, body, nil},
		{"bearer token", bearer, "Bearer " + secret, body, nil},
		{"missing", github, "", body, errSignatureMissing},
		{"wrong prefix", github, "sha1=" + sha256Hex, body, errSignaturePrefix},
		{"no prefix", github, sha256Hex, body, errSignaturePrefix},
		{"not hex", github, "sha256=zz" + sha256Hex[2:], body, errSignatureMalformed},
		{"not base64", b64, "***", body, errSignatureMalformed},
		{"other body", github, "sha256=" + sha256Hex, body + " ", errSignatureMismatch},
		{"other secret", github, "sha256=" + hex.EncodeToString(mac(sha256.New, secret+"x", body)), body, errSignatureMismatch},
		{"sha1 where sha256 expected", github, "sha256=" + hex.EncodeToString(mac(sha1.New, secret, body)), body, errSignatureMismatch},
		{"truncated", github, "sha256=" + sha256Hex[:32], body, errSignatureMismatch},
		{"empty after prefix", github, "sha256=", body, errSignatureMismatch},
		{"first byte flipped", github, "sha256=" + flipHex(sha256Hex, 0), body, errSignatureMismatch},
		{"last byte flipped", github, "sha256=" + flipHex(sha256Hex, len(sha256Hex)-1), body, errSignatureMismatch},
		{"wrong token", token, secret + "x", body, errSignatureMismatch},
		{"token prefix of secret", token, secret[:5], body, errSignatureMismatch},
		{"bearer without prefix", bearer, secret, body, errSignaturePrefix},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.header != "" {
				h.Set(tc.sig.Header, tc.header)
			}
			if err := tc.sig.verify(h, []byte(tc.body)); !errors.Is(err, tc.want) {
				t.Fatalf("verify: %v, want %v", err, tc.want)
			}
		})
	}
}

// flipHex changes the hex digit at i.
func flipHex(s string, i int) string {
	c := byte('0')
	if s[i] == '0' {
		c = '1'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestWebhookSignatureNormalize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     webhookSignature
		want   webhookSignature
		errSub string
	}{
		{name: "defaults", in: webhookSignature{Header: "X-Sig", Algorithm: "hmac-sha256", Secret: "s"},
			want: webhookSignature{Header: "X-Sig", Algorithm: algHMACSHA256, Encoding: "hex", Secret: "s"}},
		{name: "base64 sha1", in: webhookSignature{Header: "X-Sig", Algorithm: "HMAC-SHA1", Encoding: "BASE64", Secret: "s"},
			want: webhookSignature{Header: "X-Sig", Algorithm: algHMACSHA1, Encoding: "base64", Secret: "s"}},
		{name: "token ignores encoding", in: webhookSignature{Header: "X-Token", Algorithm: "token", Encoding: "hex", Secret: "s"},
			want: webhookSignature{Header: "X-Token", Algorithm: algToken, Secret: "s"}},
		{name: "bad header", in: webhookSignature{Header: "X Sig", Algorithm: algHMACSHA256, Secret: "s"}, errSub: "not a valid header name"},
		{name: "no header", in: webhookSignature{Algorithm: algHMACSHA256, Secret: "s"}, errSub: "not a valid header name"},
		{name: "bad algorithm", in: webhookSignature{Header: "X-Sig", Algorithm: "HMAC-MD5", Secret: "s"}, errSub: "Algorithm"},
		{name: "bad encoding", in: webhookSignature{Header: "X-Sig", Algorithm: algHMACSHA256, Encoding: "base32", Secret: "s"}, errSub: "Encoding"},
		{name: "no secret", in: webhookSignature{Header: "X-Sig", Algorithm: algHMACSHA256}, errSub: "Secret is required"},
		{name: "long secret", in: webhookSignature{Header: "X-Sig", Algorithm: algHMACSHA256, Secret: strings.Repeat("s", maxSecretLen+1)}, errSub: "longer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sig := tc.in
			err := sig.normalize()
			if tc.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSub) {
					t.Fatalf("normalize: %v, want an error containing %q", err, tc.errSub)
				}
				return
			}
			if err != nil || sig != tc.want {
				t.Fatalf("normalize: %+v %v, want %+v", sig, err, tc.want)
			}
		})
	}
}

func TestWebhookFields(t *testing.T) {
	t.Parallel()
	gh := webhookRecord{Name: "gh", Source: "github.com", DetailType: "GitHub event", DetailTypeHeader: "X-GitHub-Event",
		Headers:   []string{"X-GitHub-Delivery", "x-github-event", "X-Hub-Signature-256"},
		Signature: &webhookSignature{Header: "X-Hub-Signature-256", Algorithm: algHMACSHA256, Encoding: "hex", Secret: "s"}}
	headerOnly := webhookRecord{Name: "h", Source: "x", DetailTypeHeader: "X-Event"}
	cases := []struct {
		name                     string
		wr                       webhookRecord
		h                        http.Header
		body                     string
		detailType, detail, meta string
		errSub                   string
	}{
		{name: "github push", wr: gh, body: `{"ref":"refs/heads/main"}`,
			h: ceHeaders("Content-Type", "application/json", "User-Agent", "GitHub-Hookshot/1", "X-GitHub-Event", "push",
				"X-GitHub-Delivery", "d-1", "X-Hub-Signature-256", "sha256=00", "Cookie", "c"),
			detailType: "push", detail: `{"ref":"refs/heads/main"}`,
			meta: `{"name":"gh","headers":{"content-type":"application/json","user-agent":"GitHub-Hookshot/1","x-github-event":"push","x-github-delivery":"d-1"}}`},
		{name: "fallback detail-type, array body", wr: gh, body: `[1]`, h: ceHeaders("Content-Type", "application/json"),
			detailType: "GitHub event", detail: `{"body":[1]}`, meta: `{"name":"gh","headers":{"content-type":"application/json"}}`},
		{name: "invalid JSON is kept as text", wr: gh, body: `{oops`, h: ceHeaders("Content-Type", "application/json"),
			detailType: "GitHub event", detail: `{"body":"{oops"}`, meta: `{"name":"gh","headers":{"content-type":"application/json"}}`},
		{name: "form body", wr: gh, body: `a=1&b=2`, h: ceHeaders("Content-Type", "application/x-www-form-urlencoded"),
			detailType: "GitHub event", detail: `{"body":"a=1&b=2"}`, meta: `{"name":"gh","headers":{"content-type":"application/x-www-form-urlencoded"}}`},
		{name: "binary body", wr: gh, body: "\xff\xfe", h: http.Header{},
			detailType: "GitHub event", detail: `{"body_base64":"//4="}`, meta: `{"name":"gh","headers":{}}`},
		{name: "empty body", wr: headerOnly, body: ``, h: ceHeaders("X-Event", "ping"),
			detailType: "ping", detail: `{}`, meta: `{"name":"h","headers":{"x-event":"ping"}}`},
		{name: "missing detail-type header", wr: headerOnly, body: `{}`, h: http.Header{}, errSub: "X-Event, which gives the detail-type, is missing"},
		{name: "detail-type too long", wr: headerOnly, body: `{}`, h: ceHeaders("X-Event", strings.Repeat("e", 129)), errSub: "longer than 128"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := webhookFields(tc.wr, tc.h, []byte(tc.body))
			if tc.errSub != "" {
				if err == nil || err.Status != http.StatusBadRequest || !strings.Contains(err.Message, tc.errSub) {
					t.Fatalf("error %v, want 400 containing %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.source != tc.wr.Source || f.detailType != tc.detailType || jsonvalue.Marshal(f.detail) != tc.detail ||
				f.extraKey != "webhook" || jsonvalue.Marshal(f.extra) != tc.meta {
				t.Fatalf("fields %s %s %s %s %s, want %s %s %s",
					f.source, f.detailType, jsonvalue.Marshal(f.detail), f.extraKey, jsonvalue.Marshal(f.extra), tc.detailType, tc.detail, tc.meta)
			}
		})
	}
}
