#!/usr/bin/env bash
# The protos as other languages see them (run by .ci/run):
#   1. `buf lint` and `buf format --exit-code` are clean (buf from npm);
#   2. Go code generated from them (protoc-gen-go, protoc-gen-go-grpc) and
#      Python code (grpcio-tools) compiles;
#   3. a Go client and a Python client, built from that code, call a real
#      factdesk server on the demo library and get the answers the Rust
#      tests get (same enum names in JSON, a correction with an etag).
# Needs npm, pip and, for Go, Debian's golang packages (installed here when
# missing: apt-get, as root or with sudo). Nothing is written to the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

BUF_VERSION=1.75.0
TSAI_CLAIM="Alibaba Cloud hosts half of China's generative AI firms"

echo "== buf $BUF_VERSION: lint and format"
npm install --silent --no-save --no-audit --no-fund --prefix "$work/npm" "@bufbuild/buf@$BUF_VERSION"
buf="$work/npm/node_modules/.bin/buf"
"$buf" lint
"$buf" format --exit-code --diff

echo "== Go: generate and build"
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
if ! command -v go >/dev/null || ! command -v protoc-gen-go-grpc >/dev/null \
    || [ ! -d /usr/share/gocode/src/google.golang.org/grpc ]; then
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q golang-go \
        golang-google-protobuf-dev golang-google-grpc-dev protoc-gen-go-grpc >/dev/null
fi
# GOPATH mode over Debian's Go sources: no module proxy needed.
export GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/gocache" GOFLAGS=
mkdir -p "$work/bin" "$work/gopath/src/factdeskcheck"
go build -o "$work/bin/protoc-gen-go" google.golang.org/protobuf/cmd/protoc-gen-go
PATH="$work/bin:$PATH" "$buf" generate --template "{\"version\": \"v2\", \"plugins\": [
    {\"local\": \"protoc-gen-go\", \"out\": \"$work/gopath/src\"},
    {\"local\": \"protoc-gen-go-grpc\", \"out\": \"$work/gopath/src\"}]}"
go_package="github.com/factdesk/factdesk/gen/go/factdesk/v1"
go vet "$go_package"
cat >"$work/gopath/src/factdeskcheck/main.go" <<EOF
// Calls factdesk with the generated Go client.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	factdeskv1 "$go_package"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Debian's grpc-go 1.33 encodes with the first protobuf API (golang/protobuf
// 1.3), which cannot read code from today's protoc-gen-go; current grpc-go
// does exactly this by default.
type codec struct{}

func (codec) Marshal(v interface{}) ([]byte, error)      { return proto.Marshal(v.(proto.Message)) }
func (codec) Unmarshal(data []byte, v interface{}) error { return proto.Unmarshal(data, v.(proto.Message)) }
func (codec) Name() string                               { return "proto" }

func init() { encoding.RegisterCodec(codec{}) }

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, os.Args[1], grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	claims := factdeskv1.NewClaimServiceClient(conn)
	claim := &factdeskv1.Claim{Text: "$TSAI_CLAIM"}
	response, err := claims.CheckClaim(ctx, &factdeskv1.CheckClaimRequest{Claim: claim})
	if err != nil {
		panic(err)
	}
	if response.Verdict != factdeskv1.CheckClaimResponse_ATTRIBUTED ||
		response.Matches[0].Stance != factdeskv1.Match_SUPPORTS {
		panic(fmt.Sprintf("unexpected answer: %v", response))
	}
	json := protojson.Format(response)
	if !strings.Contains(json, "\"ATTRIBUTED\"") || !strings.Contains(json, "\"SUPPORTS\"") {
		panic("JSON enum names changed: " + json)
	}
	fmt.Println("go client: verdict", response.Verdict, "from", response.Matches[0].Statement.Id)
}
EOF
go vet factdeskcheck
go build -o "$work/bin/factdeskcheck" factdeskcheck

echo "== Python: generate and import"
python3 -m pip install --quiet --disable-pip-version-check grpcio-tools
mkdir -p "$work/python"
python3 -m grpc_tools.protoc -I proto --python_out="$work/python" --pyi_out="$work/python" \
    --grpc_python_out="$work/python" proto/factdesk/v1/claim.proto proto/factdesk/v1/statement.proto
python3 -m compileall -q "$work/python"

echo "== both clients against factdesk serve --demo"
cargo build --quiet --bin factdesk
FACTDESK_LOG=info "$repo/target/debug/factdesk" serve --demo --listen 127.0.0.1:0 \
    2>"$work/server.log" &
server_pid=$!
address=""
for _ in $(seq 1 600); do
    address="$(sed -n 's/.* serving address=\([0-9.:]*\).*/\1/p' "$work/server.log" | head -n 1)"
    if [ -n "$address" ]; then break; fi
    kill -0 "$server_pid" || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$address" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

"$work/bin/factdeskcheck" "$address"
PYTHONPATH="$work/python" python3 - "$address" "$TSAI_CLAIM" <<'EOF'
"""Calls factdesk with the generated Python client, including a correction."""
import sys

import grpc
from google.protobuf import field_mask_pb2, json_format

from factdesk.v1 import claim_pb2, claim_pb2_grpc, statement_pb2, statement_pb2_grpc

address, text = sys.argv[1], sys.argv[2]
with grpc.insecure_channel(address) as channel:
    claims = claim_pb2_grpc.ClaimServiceStub(channel)
    request = claim_pb2.CheckClaimRequest(claim=claim_pb2.Claim(text=text))
    response = claims.CheckClaim(request, timeout=30)
    assert response.verdict == claim_pb2.CheckClaimResponse.ATTRIBUTED, response
    assert response.matches[0].stance == claim_pb2.Match.SUPPORTS, response
    as_json = json_format.MessageToDict(response)
    assert as_json["verdict"] == "ATTRIBUTED", as_json

    statements = statement_pb2_grpc.StatementServiceStub(channel)
    read = statements.GetStatement(
        statement_pb2.GetStatementRequest(id=response.matches[0].statement.id), timeout=30)
    change = statement_pb2.UpdateStatementRequest(
        statement=statement_pb2.Statement(id=read.id, etag=read.etag, context="Checked from Python"),
        update_mask=field_mask_pb2.FieldMask(paths=["context"]))
    updated = statements.UpdateStatement(change, timeout=30)
    assert updated.context == "Checked from Python" and updated.text == read.text, updated
    try:
        statements.UpdateStatement(change, timeout=30)
        raise AssertionError("a stale etag was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.ABORTED, error
print("python client: verdict ATTRIBUTED; update applied, stale etag ABORTED")
EOF
echo "protos: buf clean; Go and Python clients generated, built and answered"
