"""The baseline: a bare FastAPI JSON endpoint, served like the API (uvicorn, same worker count).

Comparing the platform's endpoints with this shows what the application itself costs on the
same box in the same run, apart from HTTP and the framework.
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}
