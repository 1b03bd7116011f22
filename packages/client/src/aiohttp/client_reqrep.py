"""Client requests and responses (aiohttp.client_reqrep).

This module gathers the names aiohttp defines here; each lives in a private
module with one job:

* ``_client_request``: ``ClientRequest``, building and sending a request;
* ``_client_request_headers`` and ``_client_request_body``: checking the
  head's parts, building the Cookie header, turning ``data`` into a
  payload that can be sent again;
* ``_client_request_info``: ``ConnectionKey``, ``RequestInfo``,
  ``Fingerprint``;
* ``_client_request_upload``: ``UploadTracker``, a request's upload progress;
* ``_client_response``: ``ClientResponse``, reading the head and the body
  and handing the connection back;
* ``_client_response_headers``: ``ContentDisposition``, Link and
  Set-Cookie parsing.
"""

from __future__ import annotations

from ._client_request import ClientRequest as ClientRequest
from ._client_request_info import SSL_ALLOWED_TYPES as SSL_ALLOWED_TYPES
from ._client_request_info import ConnectionKey as ConnectionKey
from ._client_request_info import Fingerprint as Fingerprint
from ._client_request_info import RequestInfo as RequestInfo
from ._client_request_info import merge_ssl_params
from ._client_request_upload import UploadTracker as UploadTracker
from ._client_response import ClientResponse as ClientResponse
from ._client_response_headers import ContentDisposition as ContentDisposition

__all__ = (
    "ClientRequest",
    "ClientResponse",
    "ConnectionKey",
    "ContentDisposition",
    "Fingerprint",
    "RequestInfo",
    "UploadTracker",
)

# aiohttp's private name, used by the session, the connector and ws_connect.
_merge_ssl_params = merge_ssl_params
