package triggers

import (
	"fmt"
	"regexp"
	"strings"
)

// FunctionARN is a Lambda function's ARN, taken apart:
// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>].
type FunctionARN struct {
	Partition, Region, Account, Name, Qualifier string
}

// partitions are the AWS partitions and the DNS suffix of their endpoints.
var partitions = map[string]string{
	"aws":        "amazonaws.com",
	"aws-cn":     "amazonaws.com.cn",
	"aws-us-gov": "amazonaws.com",
	"aws-iso":    "c2s.ic.gov",
	"aws-iso-b":  "sc2s.sgov.gov",
}

var (
	regionRE    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	functionRE  = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	qualifierRE = regexp.MustCompile(`^(\$LATEST|[a-zA-Z0-9_-]{1,128})$`)
)

// ParseFunctionARN takes a Lambda function ARN apart, checking each part as
// Lambda names it: a known partition, a Region such as us-east-1, a 12-digit
// account, a function name of letters, digits, - and _, and an optional
// version or alias. Nothing else (no host name, no path) gets through.
func ParseFunctionARN(arn string) (FunctionARN, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 7 && len(parts) != 8 {
		return FunctionARN{}, fmt.Errorf("%q is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])", arn)
	}
	a := FunctionARN{Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[6]}
	if len(parts) == 8 {
		a.Qualifier = parts[7]
	}
	switch {
	case parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function":
		return FunctionARN{}, fmt.Errorf("%q is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])", arn)
	case partitions[a.Partition] == "":
		return FunctionARN{}, fmt.Errorf("%q: unknown partition %q", arn, a.Partition)
	case !regionRE.MatchString(a.Region):
		return FunctionARN{}, fmt.Errorf("%q: %q is not a Region", arn, a.Region)
	case !accountRE.MatchString(a.Account):
		return FunctionARN{}, fmt.Errorf("%q: %q is not an account id", arn, a.Account)
	case !functionRE.MatchString(a.Name):
		return FunctionARN{}, fmt.Errorf("%q: %q is not a function name", arn, a.Name)
	case len(parts) == 8 && !qualifierRE.MatchString(a.Qualifier):
		return FunctionARN{}, fmt.Errorf("%q: %q is not a version or alias", arn, a.Qualifier)
	}
	return a, nil
}

// String is the ARN.
func (a FunctionARN) String() string {
	s := "arn:" + a.Partition + ":lambda:" + a.Region + ":" + a.Account + ":function:" + a.Name
	if a.Qualifier != "" {
		s += ":" + a.Qualifier
	}
	return s
}

// Host is the Lambda endpoint's host name of the function's Region
// (lambda.us-east-1.amazonaws.com).
func (a FunctionARN) Host() string { return "lambda." + a.Region + "." + partitions[a.Partition] }
