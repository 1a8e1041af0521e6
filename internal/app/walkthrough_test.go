package app_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWalkthroughDoc runs the shell script in docs/custom-domains.md, as
// written, with the AWS CLI, curl and openssl against a running server.
func TestWalkthroughDoc(t *testing.T) {
	for _, tool := range []string{"aws", "curl", "openssl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walk-through needs %s: %v", tool, err)
		}
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "custom-domains.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- walkthrough:begin -->\\s*```sh\\n(.*?)```\\s*<!-- walkthrough:end -->").FindSubmatch(doc)
	if m == nil {
		t.Fatal("no walk-through script in docs/custom-domains.md")
	}
	ts := startServer(t, t.TempDir())
	_, port, _ := net.SplitHostPort(ts.EdgeAddr)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(m[1]))
	cmd.Dir = t.TempDir()
	cmd.Env = append(awsEnv(t), "API="+ts.URL, "EDGE_PORT="+port)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("walk-through failed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "walk-through complete") || !strings.Contains(out.String(), "ISSUED") {
		t.Fatalf("walk-through output:\n%s", out.String())
	}
}
