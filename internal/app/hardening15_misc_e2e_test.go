package app_test

// Issue 15 (hardening, round two): the items of the data directory, Lambda
// ARNs, the schema checks and the README's quick start.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

// TestDataDirectoryFilesArePrivate (issue 15 item 13): in a data directory
// that already exists 0755, the database, its -wal and -shm files and the
// secret key are created 0600, and the server warns that the directory is
// open to others.
func TestDataDirectoryFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, name := range []string{"gognito.db", "gognito.db-wal", "gognito.db-shm", "secret.key"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", name, perm)
		}
	}
	var warning string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, dir) {
			warning = line
		}
	}
	if !strings.Contains(warning, "0755") || !strings.Contains(warning, "chmod 700") {
		t.Errorf("no warning about the data directory's mode 0755 in the log:\n%s", logs.String())
	}

	// A private directory gets no warning.
	private := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = private
	logs.Reset()
	b, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if strings.Contains(logs.String(), private) {
		t.Errorf("a warning for a 0700 data directory:\n%s", logs.String())
	}
}

// TestLambdaARNsAreValidated (issue 15 item 10): a pool's LambdaConfig takes
// only Lambda function ARNs whose parts are what Lambda names them, so that
// no Region or name can point the invocation at another host; the
// model's pattern alone lets "attacker.example/x" through as a Region.
func TestLambdaARNsAreValidated(t *testing.T) {
	ts := startServer(t, t.TempDir())
	c := ts.client("us-east-1", false)
	ctx := context.Background()
	good := "arn:aws:lambda:us-east-1:123456789012:function:hook"
	out, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("ok"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String(good), CustomMessage: aws.String(good + ":live"),
			PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(good), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20}}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(out.UserPool.Id)
	for _, bad := range []string{
		"arn:aws:lambda:attacker.example/x:123456789012:function:f",
		"arn:aws:lambda:us-east-1@attacker.example:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f/../../x",
		"arn:aws:sns:us-east-1:123456789012:function:topic",
		"arn:aws:lambda:us-east-1:1234567890:function:f",
	} {
		for _, lc := range map[string]*types.LambdaConfigType{
			"PreSignUp":                   {PreSignUp: aws.String(bad)},
			"DefineAuthChallenge":         {DefineAuthChallenge: aws.String(bad)},
			"PreTokenGenerationConfig":    {PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String(bad), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV10}},
			"CustomEmailSender.LambdaArn": {CustomEmailSender: &types.CustomEmailLambdaVersionConfigType{LambdaArn: aws.String(bad), LambdaVersion: types.CustomEmailSenderLambdaVersionTypeV10}, KMSKeyID: aws.String("arn:aws:kms:us-east-1:123456789012:key/k")},
		} {
			_, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bad"), LambdaConfig: lc})
			wantAPIError(t, err, "InvalidParameterException", bad)
			_, err = c.UpdateUserPool(ctx, &cognito.UpdateUserPoolInput{UserPoolId: aws.String(poolID), LambdaConfig: lc})
			wantAPIError(t, err, "InvalidParameterException", bad)
		}
	}
	d, err := c.DescribeUserPool(ctx, &cognito.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	if err != nil || aws.ToString(d.UserPool.LambdaConfig.PreSignUp) != good {
		t.Fatalf("the pool's triggers changed: %v", err)
	}
}

// TestSchemaRefusesWhatCognitoRefuses (issue 15 item 17): CreateUserPool and
// AddCustomAttributes refuse a custom attribute without a data type, a
// standard attribute retyped or made developer-only, and constraints that
// are not numbers or whose minimum exceeds the maximum, with Cognito's
// messages (none of which prints an absent bound as "max .").
func TestSchemaRefusesWhatCognitoRefuses(t *testing.T) {
	ts := startServer(t, t.TempDir())
	c := ts.client("us-east-1", true)
	ctx := context.Background()
	out, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("schema")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := out.UserPool.Id
	str := func(name, lo, hi string) types.SchemaAttributeType {
		a := types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeString, StringAttributeConstraints: &types.StringAttributeConstraintsType{}}
		if lo != "" {
			a.StringAttributeConstraints.MinLength = aws.String(lo)
		}
		if hi != "" {
			a.StringAttributeConstraints.MaxLength = aws.String(hi)
		}
		return a
	}
	num := func(name, lo, hi string) types.SchemaAttributeType {
		a := types.SchemaAttributeType{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeNumber, NumberAttributeConstraints: &types.NumberAttributeConstraintsType{}}
		if lo != "" {
			a.NumberAttributeConstraints.MinValue = aws.String(lo)
		}
		if hi != "" {
			a.NumberAttributeConstraints.MaxValue = aws.String(hi)
		}
		return a
	}
	for _, tc := range []struct {
		name   string
		attr   types.SchemaAttributeType
		custom bool // also refused by AddCustomAttributes
		msg    string
	}{
		{"custom without a type", types.SchemaAttributeType{Name: aws.String("nick2")}, true,
			"Invalid AttributeDataType input, consider using the provided AttributeDataType enum."},
		{"developer-only standard", types.SchemaAttributeType{Name: aws.String("email"), DeveloperOnlyAttribute: aws.Bool(true)}, false,
			"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"retyped standard", types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeNumber}, false,
			"You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"},
		{"number min not a number", num("n", "abc", ""), true, "Invalid NumberAttributeConstraints for schema attribute custom:n"},
		{"number max not a number", num("n", "1", "1e3"), true, "Invalid NumberAttributeConstraints for schema attribute custom:n"},
		{"number min > max", num("n", "10", "5"), true, "user.custom:n: Max value cannot be less than min value."},
		{"string min over 2048, no max", str("s", "3000", ""), true, "user.custom:s: String attributes cannot have a length of more than 2048"},
		{"string max over 2048", str("s", "", "4096"), true, "user.custom:s: String attributes cannot have a length of more than 2048"},
		{"string min > max", str("s", "10", "5"), true, "user.custom:s: Max length cannot be less than min length."},
		{"string min not a number", str("s", "x", ""), true, "Invalid StringAttributeConstraints for schema attribute custom:s"},
		{"standard string min > max", str("name", "10", "5"), false, "user.name: Max length cannot be less than min length."},
	} {
		_, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bad"), Schema: []types.SchemaAttributeType{tc.attr}})
		wantExactAPIError(t, tc.name+" (CreateUserPool)", err, "InvalidParameterException", tc.msg)
		if tc.custom {
			_, err := c.AddCustomAttributes(ctx, &cognito.AddCustomAttributesInput{UserPoolId: poolID, CustomAttributes: []types.SchemaAttributeType{tc.attr}})
			wantExactAPIError(t, tc.name+" (AddCustomAttributes)", err, "InvalidParameterException", tc.msg)
		}
	}
	// What Cognito accepts still goes through.
	if _, err := c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("good"), Schema: []types.SchemaAttributeType{
		str("s", "1", "256"), num("n", "-5", "5"), num("m", "0", ""), str("name", "", "100"),
		{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)},
		{Name: aws.String("b"), AttributeDataType: types.AttributeDataTypeBoolean, DeveloperOnlyAttribute: aws.Bool(true)},
	}}); err != nil {
		t.Fatal(err)
	}
}

// wantExactAPIError asserts err is the AWS error typ with exactly message msg.
func wantExactAPIError(t *testing.T, what string, err error, typ, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: want %s %q, got %v", what, typ, msg, err)
		return
	}
	if ae.ErrorCode() != typ || ae.ErrorMessage() != msg {
		t.Errorf("%s:\n got %s %q\nwant %s %q", what, ae.ErrorCode(), ae.ErrorMessage(), typ, msg)
	}
}

// TestREADMEQuickStart (issue 15 item 21) runs the README's quick start as
// written (its sh blocks, from "Quick start" to "Request signing") with the
// AWS CLI and curl against a real server, with only the server's addresses
// put in place of 127.0.0.1:9229 and :9443: a reader who follows it gets a
// confirmation code from the outbox, confirms, signs in, and sees the
// custom domain's page over HTTPS.
func TestREADMEQuickStart(t *testing.T) {
	for _, tool := range []string{"aws", "curl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required for this test: %v", tool, err)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Quick start with the AWS CLI\n")
	section, _, ok2 := strings.Cut(section, "\n### Request signing")
	if !ok || !ok2 {
		t.Fatal("the README has no quick start section")
	}
	var script []string
	for _, block := range strings.Split(section, "```sh\n")[1:] {
		code, _, _ := strings.Cut(block, "```")
		for _, line := range strings.Split(code, "\n") {
			if strings.HasPrefix(line, "make run") {
				continue // the test runs the server
			}
			script = append(script, line)
		}
	}
	text := strings.Join(script, "\n")
	if strings.Contains(text, "<") {
		t.Fatalf("the quick start has placeholders a reader must fill in:\n%s", text)
	}
	ts := startServer(t, t.TempDir())
	_, edgePort, _ := net.SplitHostPort(ts.EdgeAddr)
	text = strings.ReplaceAll(text, "http://127.0.0.1:9229", ts.URL)
	text = strings.ReplaceAll(text, ":9443", ":"+edgePort)
	dir := t.TempDir()
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", text)
	cmd.Dir = dir
	cmd.Env = awsEnv(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the quick start fails: %v\n%s\n--- script:\n%s", err, out, text)
	}
	for _, want := range []string{`"UserConfirmed": false`, "Your verification code is", `"AccessToken"`, `"IdToken"`, `id="user-pool-id"`, "/login"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the quick start's output has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "not built yet") {
		t.Errorf("the custom domain's page says something is not built yet:\n%s", out)
	}
}

// TestREADMELayoutListsEveryPackage (issue 15 item 21): the README's layout
// section names every command and package of the repository.
func TestREADMELayoutListsEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, _ := strings.Cut(string(readme), "\n## Layout\n")
	layout, _, _ = strings.Cut(layout, "\n## ")
	listed := map[string]bool{}
	for _, line := range strings.Split(layout, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			listed[f[0]] = true
		}
	}
	for _, root := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join("../..", root), func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" || d.Name() == "models" {
				return filepath.SkipDir
			}
			goFiles, _ := filepath.Glob(filepath.Join(path, "*.go"))
			if len(goFiles) == 0 {
				return nil
			}
			rel, _ := filepath.Rel("../..", path)
			if !listed[filepath.ToSlash(rel)] {
				t.Errorf("the README's layout does not list %s", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
