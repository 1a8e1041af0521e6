package edge

import (
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPolicyOpenSSL: `openssl s_client -tls1 / -tls1_1 / -tls1_2 / -tls1_3`
// completes a handshake exactly where the site's policy allows the version
// (another TLS implementation than Go's, as browsers and curl are). OpenSSL
// 3 refuses TLS 1.0 and 1.1 at its default security level, so those run
// with -cipher 'DEFAULT:@SECLEVEL=0'. scripts/openssl-deps.sh (run by make
// test) installs openssl when it is missing.
func TestPolicyOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is not installed: run scripts/openssl-deps.sh (make test does)")
	}
	pe := startPolicyEdge(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pemCert(pe.ca.cert.Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]string{ // flags accepted, in order -tls1 -tls1_1 -tls1_2 -tls1_3
		PolicyTLSV1:       "1111",
		PolicyTLSV12_2021: "0011",
		PolicyTLSV13_2025: "0001",
	}
	flags := []string{"-tls1", "-tls1_1", "-tls1_2", "-tls1_3"}
	protocols := []string{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
	for policy, want := range allowed {
		for i, flag := range flags {
			args := []string{"s_client", "-connect", pe.addr, "-servername", hostOf(policy, false), "-CAfile", caFile, "-verify_return_error", flag}
			if i < 2 {
				args = append(args, "-cipher", "DEFAULT:@SECLEVEL=0")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Stdin = strings.NewReader("")
			out, err := cmd.CombinedOutput()
			cancel()
			ok := err == nil && strings.Contains(string(out), "Protocol  : "+protocols[i]+"\n") ||
				err == nil && strings.Contains(string(out), "New, "+protocols[i]+", Cipher is ")
			switch {
			case want[i] == '1' && !ok:
				t.Errorf("%s: openssl %s failed (%v):\n%s", policy, flag, err, out)
			case want[i] == '0' && err == nil:
				t.Errorf("%s: openssl %s connected:\n%s", policy, flag, out)
			}
		}
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
