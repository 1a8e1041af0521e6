// Package lambda is a client of the AWS Lambda Invoke API
// (POST /2015-03-31/functions/{FunctionName}/invocations, RequestResponse)
// at a configured endpoint: a real Lambda, `sam local start-lambda`,
// LocalStack, or any server that speaks the API. Requests are signed with
// SigV4 (service "lambda", the Region of the function's ARN) when
// credentials are configured. The function's ARN is taken apart and checked
// first (triggers.ParseFunctionARN) and the URL built from its parts, so no
// Region or name reaches another host or path. It implements
// triggers.Invoker: an error the function returns (X-Amz-Function-Error) is a
// triggers.FunctionError, an error of the Lambda service (or an ARN that is
// not a function's) a triggers.ServiceError.
package lambda
