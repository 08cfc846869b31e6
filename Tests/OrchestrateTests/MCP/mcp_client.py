"""Drives `git-orchestrate mcp` with the official MCP Python SDK, as an agent would.

Usage: mcp_client.py BINARY PHASE; starts the server as docs/agents.md registers it (`git
orchestrate mcp`, with BINARY's folder on PATH) and prints one JSON object of what the server answered, for the
Swift test to check. Phase `claim`: initialize, list tools, claim, progress, bad ids. Phase
`agent`: run under `git orchestrate run` (ORCHESTRATE_TASK_ID set): heartbeat, report progress
and submit with no id.
"""
import asyncio
import json
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def attr(obj, camel, snake):
    """SDK 1.x spells fields in camelCase, 2.x in snake_case."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def text_of(result):
    return "".join(getattr(c, "text", "") for c in result.content)


async def call(session, name, arguments=None):
    result = await session.call_tool(name, arguments or {})
    return {
        "isError": bool(attr(result, "isError", "is_error")),
        "text": text_of(result),
        "structured": attr(result, "structuredContent", "structured_content"),
    }


async def in_worktree(binary, worktree):
    """A server started in the task's worktree with the SDK's default environment (no
    ORCHESTRATE_TASK_ID), as most agent CLIs start theirs: it finds the task from where it runs."""
    params = StdioServerParameters(command="git", args=["orchestrate", "mcp"], cwd=worktree)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await call(session, "report_progress", {"message": "from the worktree"})


async def main(binary, phase):
    import os
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(binary) + os.pathsep + env.get("PATH", "")
    params = StdioServerParameters(command="git", args=["orchestrate", "mcp"], env=env, cwd=os.getcwd())
    out = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            out["serverName"] = attr(init, "serverInfo", "server_info").name
            out["protocolVersion"] = str(attr(init, "protocolVersion", "protocol_version"))
            if phase == "claim":
                tools = await session.list_tools()
                out["tools"] = sorted(t.name for t in tools.tools)
                out["schemas"] = {t.name: attr(t, "inputSchema", "input_schema") for t in tools.tools}
                out["added"] = await call(session, "add_task", {"title": "From MCP", "priority": "high", "paths": ["src/**"]})
                out["list"] = await call(session, "list_tasks", {"state": "queued"})
                out["claim"] = await call(session, "claim_next_task", {"agent": "py-agent"})
                task_id = (out["claim"]["structured"] or {}).get("id")
                out["progress"] = await call(session, "report_progress", {"id": task_id, "message": "halfway there"})
                out["heartbeatUnsupervised"] = await call(session, "heartbeat", {"id": task_id})
                out["get"] = await call(session, "get_task", {"id": task_id})
                out["status"] = await call(session, "get_status")
                out["unknownID"] = await call(session, "get_task", {"id": "T404"})
                out["invalidID"] = await call(session, "get_task", {"id": "../etc"})
                out["wrongState"] = await call(session, "submit_task", {"id": "T1"})
                out["missingID"] = await call(session, "submit_task", {})
                out["unknownArgument"] = await call(session, "list_tasks", {"colour": "red"})
                out["badState"] = await call(session, "list_tasks", {"state": "sleeping"})
                out["unknownTool"] = await call(session, "approve_task", {"id": task_id})
                out["badAdd"] = await call(session, "add_task", {"title": "X", "dependsOn": ["nope"]})
                resources = await session.list_resources()
                out["resources"] = sorted(r.uri for r in resources.resources)
                prompt = await session.read_resource(f"orchestrate://tasks/{task_id}/prompt")
                out["promptResource"] = "".join(getattr(c, "text", "") for c in prompt.contents)
                out["fromWorktree"] = await in_worktree(binary, out["claim"]["structured"]["worktree"])
                try:
                    await session.read_resource("orchestrate://tasks/T404/prompt")
                    out["badResource"] = None
                except Exception as error:  # an MCP error response, raised by the client
                    out["badResource"] = str(error)
            else:
                out["heartbeat"] = await call(session, "heartbeat")
                out["progress"] = await call(session, "report_progress", {"message": "wrote the change"})
                with open("agent.txt", "w") as f:
                    f.write("written by the agent\n")
                subprocess.run(["git", "add", "agent.txt"], check=True)
                subprocess.run(["git", "commit", "-q", "-m", "agent work"], check=True)
                out["submit"] = await call(session, "submit_task")
                out["review"] = await call(session, "review_task", {"id": out["submit"]["structured"]["id"]})
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
