package app_test

// Issue 15 (hardening, round two): the items of the data directory, Lambda
// ARNs, the schema checks and the README's quick start.

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

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
