package config

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestLambdaSettings(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.LambdaEndpoint != "" || c.LambdaTimeout != 5*time.Second || c.LambdaAccessKeyID != "" {
		t.Fatalf("defaults %q %v %q", c.LambdaEndpoint, c.LambdaTimeout, c.LambdaAccessKeyID)
	}
	c, err = Load("serve", []string{"--lambda-endpoint", "http://127.0.0.1:3001", "--lambda-timeout", "2s", "--lambda-access-key-id", "AKID"},
		env(map[string]string{"GOGNITO_LAMBDA_SECRET_ACCESS_KEY": "lambda-secret-value"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.LambdaEndpoint != "http://127.0.0.1:3001" || c.LambdaTimeout != 2*time.Second || c.LambdaSecretAccessKey.Reveal() != "lambda-secret-value" {
		t.Fatalf("settings %+v", c)
	}
	if s := fmt.Sprintf("%v %+v %#v", c, c, c); strings.Contains(s, "lambda-secret-value") {
		t.Fatal("the secret access key is printed")
	}
	for _, args := range [][]string{
		{"--lambda-endpoint", "127.0.0.1:3001"},
		{"--lambda-endpoint", "ftp://example.com"},
		{"--lambda-access-key-id", "AKID"},
		{"--lambda-secret-access-key", "s"},
		{"--lambda-timeout", "0s"},
	} {
		_, err := Load("serve", args, env(nil), io.Discard)
		if err == nil {
			t.Errorf("%v accepted", args)
		} else if strings.Contains(err.Error(), "lambda-secret-value") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}
