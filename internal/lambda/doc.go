// Package lambda is a client of the AWS Lambda Invoke API
// (POST /2015-03-31/functions/{FunctionName}/invocations, RequestResponse)
// at a configured endpoint: a real Lambda, `sam local start-lambda`,
// LocalStack, or any server that speaks the API. Requests are signed with
// SigV4 (service "lambda", the Region of the function's ARN) when
// credentials are configured. It implements triggers.Invoker: an error the
// function returns (X-Amz-Function-Error) is a triggers.FunctionError, an
// error of the Lambda service a triggers.ServiceError.
package lambda
