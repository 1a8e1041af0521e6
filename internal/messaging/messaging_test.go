package messaging_test

import (
	"testing"

	"github.com/gognito/gognito/internal/messaging"
)

func TestRender(t *testing.T) {
	for _, c := range []struct{ tmpl, code, user, want string }{
		{"Your verification code is {####}. ", "123456", "ann", "Your verification code is 123456. "},
		{"{####} and again {####}{####}", "42", "ann", "42 and again 4242"},
		{"no placeholders at all", "42", "ann", "no placeholders at all"},
		{"", "42", "ann", ""},
		{"Your username is {username} and temporary password is {####}. ", "Tmp#1pass", "ann",
			"Your username is ann and temporary password is Tmp#1pass. "},
		{"{username}{####}{username}", "1", "b", "b1b"},
		// A value that contains a placeholder is not expanded again.
		{"{username}: {####}", "{username}", "{####}", "{####}: {username}"},
		// Near misses stay as they are.
		{"{###} {#####} {Username} {username", "1", "b", "{###} {#####} {Username} {username"},
		{"Code: {####}", "", "", "Code: "},
	} {
		if got := messaging.Render(c.tmpl, c.code, c.user); got != c.want {
			t.Errorf("Render(%q, %q, %q) = %q, want %q", c.tmpl, c.code, c.user, got, c.want)
		}
	}
}

func TestDefaultTemplate(t *testing.T) {
	for _, c := range []struct{ kind, medium, subject, body string }{
		{messaging.KindSignUp, messaging.MediumEmail, "Your verification code", "Your verification code is {####}. "},
		{messaging.KindResendCode, messaging.MediumSMS, "", "Your verification code is {####}. "},
		{messaging.KindUpdateUserAttribute, messaging.MediumEmail, "Your verification code", "Your verification code is {####}. "},
		{messaging.KindVerifyUserAttribute, messaging.MediumEmail, "Your verification code", "Your verification code is {####}. "},
		{messaging.KindAdminCreateUser, messaging.MediumEmail, "Your temporary password", "Your username is {username} and temporary password is {####}. "},
		{messaging.KindAdminCreateUser, messaging.MediumSMS, "", "Your username is {username} and temporary password is {####}. "},
		{messaging.KindForgotPassword, messaging.MediumEmail, "Your verification code", "Your password reset code is {####}"},
		{messaging.KindAuthentication, messaging.MediumSMS, "", "Your authentication code is {####}. "},
	} {
		subject, body, ok := messaging.DefaultTemplate(c.kind, c.medium)
		if !ok || subject != c.subject || body != c.body {
			t.Errorf("DefaultTemplate(%s, %s) = %q, %q, %v", c.kind, c.medium, subject, body, ok)
		}
	}
	if _, _, ok := messaging.DefaultTemplate("Nope", messaging.MediumEmail); ok {
		t.Error("unknown kind accepted")
	}
	if _, _, ok := messaging.DefaultTemplate(messaging.KindSignUp, "PIGEON"); ok {
		t.Error("unknown medium accepted")
	}
}
