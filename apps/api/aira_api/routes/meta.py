from aira_api.deps import SettingsDep
from aira_api.routing import api_router
from aira_api.schemas.meta import Meta

router = api_router(prefix="/api", tags=["meta"])


@router.get("/meta", response_model=Meta)
def read_meta(settings: SettingsDep) -> Meta:
    """Public facts the web app shows: whether answers come from the offline responder."""
    return Meta(offline=settings.offline, model=None if settings.offline else settings.llm_model)
