"""Drives a running gognito with boto3; prints one JSON object of findings.

Usage: python3 boto3_smoke.py <endpoint-url>
Exits non-zero (with a message) on the first behaviour that is wrong.
"""
import json
import re
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

endpoint = sys.argv[1]
c = boto3.client(
    "cognito-idp",
    endpoint_url=endpoint,
    region_name="us-west-2",
    aws_access_key_id="AKIDBOTO3",
    aws_secret_access_key="secret",
    config=Config(retries={"max_attempts": 1}),
)


def check(cond, what):
    if not cond:
        sys.exit("boto3 smoke: " + what)


pool = c.create_user_pool(PoolName="boto3-pool", UsernameAttributes=["email"])["UserPool"]
check(re.fullmatch(r"us-west-2_[0-9A-Za-z]{9}", pool["Id"]), "pool id %r" % pool["Id"])
check(pool["Arn"].endswith(":userpool/" + pool["Id"]), "arn")
check(pool["CreationDate"].year >= 2024, "CreationDate is a datetime")

desc = c.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
check(desc["Name"] == "boto3-pool" and desc["UsernameAttributes"] == ["email"], "describe")

client = c.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app", GenerateSecret=True)["UserPoolClient"]
check(re.fullmatch(r"[0-9a-z]{26}", client["ClientId"]), "client id")
check(len(client["ClientSecret"]) == 51, "client secret")

listed = c.list_user_pools(MaxResults=60)["UserPools"]
check(any(p["Id"] == pool["Id"] for p in listed), "list_user_pools")

try:
    c.describe_user_pool(UserPoolId="us-west-2_nothere00")
    sys.exit("boto3 smoke: unknown pool did not fail")
except c.exceptions.ResourceNotFoundException as e:
    not_found = e.response["Error"]["Code"]
    status = e.response["ResponseMetadata"]["HTTPStatusCode"]
    request_id = e.response["ResponseMetadata"]["RequestId"]

try:
    c.create_user_pool(PoolName="x", MfaConfiguration="SOMETIMES")
    sys.exit("boto3 smoke: bad enum accepted")
except ClientError as e:
    enum_error = e.response["Error"]["Code"]
    enum_message = e.response["Error"]["Message"]

c.delete_user_pool_client(UserPoolId=pool["Id"], ClientId=client["ClientId"])
c.delete_user_pool(UserPoolId=pool["Id"])

print(json.dumps({
    "pool_id": pool["Id"],
    "not_found": not_found,
    "not_found_status": status,
    "request_id": request_id,
    "enum_error": enum_error,
    "enum_message": enum_message,
}))
