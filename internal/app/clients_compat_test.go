package app_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// awsEnv is an environment for the AWS CLI and boto3 that reads no user
// configuration and has fixed credentials.
func awsEnv(t *testing.T) []string {
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=AKIDCLITEST",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION", "PYTHONPATH", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func runAWS(t *testing.T, url string, args ...string) (map[string]any, string, error) {
	t.Helper()
	return runAWSWithEnv(t, url, nil, args...)
}

// runAWSWithEnv is runAWS with more environment variables (later ones win).
func runAWSWithEnv(t *testing.T, url string, env []string, args ...string) (map[string]any, string, error) {
	t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", url, "--output", "json"}, args...)...)
	cmd.Env = append(awsEnv(t), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var out map[string]any
	if err == nil && stdout.Len() > 0 {
		if jerr := json.Unmarshal(stdout.Bytes(), &out); jerr != nil {
			t.Fatalf("aws %v: output is not JSON: %s", args, stdout.String())
		}
	}
	return out, stderr.String(), err
}

// TestAWSCLI drives the AWS CLI installed on the machine against the server.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the AWS CLI is required for this test (it is on the project's machines): ", err)
	}
	ts := startServer(t, t.TempDir())
	out, stderr, err := runAWS(t, ts.URL, "cognito-idp", "create-user-pool", "--pool-name", "demo")
	if err != nil {
		t.Fatalf("create-user-pool: %v\n%s", err, stderr)
	}
	pool := out["UserPool"].(map[string]any)
	id := pool["Id"].(string)
	if !regexp.MustCompile(`^us-east-1_[0-9A-Za-z]{9}$`).MatchString(id) || pool["Name"] != "demo" {
		t.Fatalf("create-user-pool printed %v", pool)
	}

	out, stderr, err = runAWS(t, ts.URL, "cognito-idp", "list-user-pools", "--max-results", "10")
	if err != nil {
		t.Fatalf("list-user-pools: %v\n%s", err, stderr)
	}
	pools := out["UserPools"].([]any)
	if len(pools) != 1 || pools[0].(map[string]any)["Id"] != id {
		t.Fatalf("list-user-pools printed %v", out)
	}

	out, stderr, err = runAWS(t, ts.URL, "cognito-idp", "describe-user-pool", "--user-pool-id", id)
	if err != nil {
		t.Fatalf("describe-user-pool: %v\n%s", err, stderr)
	}
	if out["UserPool"].(map[string]any)["Arn"] != "arn:aws:cognito-idp:us-east-1:000000000000:userpool/"+id {
		t.Fatalf("describe-user-pool printed %v", out)
	}

	out, stderr, err = runAWS(t, ts.URL, "cognito-idp", "create-user-pool-client", "--user-pool-id", id, "--client-name", "cli", "--generate-secret")
	if err != nil {
		t.Fatalf("create-user-pool-client: %v\n%s", err, stderr)
	}
	cl := out["UserPoolClient"].(map[string]any)
	if !regexp.MustCompile(`^[0-9a-z]{26}$`).MatchString(cl["ClientId"].(string)) || len(cl["ClientSecret"].(string)) != 51 {
		t.Fatalf("create-user-pool-client printed %v", cl)
	}

	_, stderr, err = runAWS(t, ts.URL, "cognito-idp", "describe-user-pool", "--user-pool-id", "us-east-1_nothere00")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") || !strings.Contains(stderr, "User pool us-east-1_nothere00 does not exist.") {
		t.Fatalf("unknown pool: err %v, stderr %q", err, stderr)
	}
}

// TestBoto3 runs a boto3 script against the server.
func TestBoto3(t *testing.T) {
	ts := startServer(t, t.TempDir())
	cmd := exec.Command("python3", "testdata/boto3_smoke.py", ts.URL)
	cmd.Env = awsEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("boto3 script: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	var r map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("boto3 script printed %q", stdout.String())
	}
	if r["not_found"] != "ResourceNotFoundException" || r["not_found_status"] != float64(400) || r["request_id"] == "" {
		t.Fatalf("boto3 error handling: %v", r)
	}
	if r["enum_error"] != "InvalidParameterException" || !strings.Contains(r["enum_message"].(string), "[OFF, ON, OPTIONAL]") {
		t.Fatalf("boto3 enum error: %v", r)
	}
	if !strings.HasPrefix(r["pool_id"].(string), "us-west-2_") {
		t.Fatalf("boto3 region: %v", r)
	}
}
