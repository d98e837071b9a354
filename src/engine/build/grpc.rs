//! A gRPC channel to the engine's BuildKit over an HTTP upgrade of its `/grpc` endpoint, for the
//! calls bollard does not expose (the build's status stream).
//!
//! bollard opens the same kind of connection for its solve, but keeps it to itself; the status
//! stream (BuildKit's `Control.Status`) needs one of its own.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;

/// How the engine's `/grpc` endpoint answered the upgrade.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// The engine answered, but not with `101 Switching Protocols`: it has no BuildKit.
    #[error("the engine answered `{status}` to the BuildKit endpoint")]
    Refused {
        /// The HTTP status the engine gave.
        status: u16,
    },
    /// The connection itself failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Connects to `/grpc` of the engine at `host` (`unix://…`, `tcp://…` or `http://…`).
#[derive(Clone, Debug)]
pub struct Upgrade {
    host: String,
    api: String,
}

impl Upgrade {
    /// A connector for an engine address and API version (`1.41`); None when the address is of a
    /// kind this connector cannot open (TLS).
    pub fn new(host: &str, api: &str) -> Option<Upgrade> {
        let plain = host.starts_with("unix://")
            || host.starts_with("tcp://")
            || host.starts_with("http://");
        plain.then(|| Upgrade {
            host: host.to_string(),
            api: api.to_string(),
        })
    }

    /// Opens the connection and switches it to HTTP/2 for gRPC.
    pub async fn open(&self) -> Result<Upgraded, UpgradeError> {
        if let Some(path) = self.host.strip_prefix("unix://") {
            let stream = tokio::net::UnixStream::connect(path).await?;
            self.handshake(stream).await
        } else {
            let address = self
                .host
                .trim_start_matches("tcp://")
                .trim_start_matches("http://")
                .trim_end_matches('/');
            let stream = tokio::net::TcpStream::connect(address).await?;
            self.handshake(stream).await
        }
    }

    async fn handshake<S>(&self, stream: S) -> Result<Upgraded, UpgradeError>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            // Ends when the upgraded stream is dropped; its error is the channel's to report.
            let _ = connection.with_upgrades().await;
        });
        let request = http::Request::post(format!("/v{}/grpc", self.api))
            .header(http::header::HOST, "docker")
            .header(http::header::CONNECTION, "Upgrade")
            .header(http::header::UPGRADE, "h2c")
            .body(String::new())
            .map_err(std::io::Error::other)?;
        let response = sender
            .send_request(request)
            .await
            .map_err(std::io::Error::other)?;
        if response.status() != http::StatusCode::SWITCHING_PROTOCOLS {
            return Err(UpgradeError::Refused {
                status: response.status().as_u16(),
            });
        }
        hyper::upgrade::on(response)
            .await
            .map_err(|e| UpgradeError::Io(std::io::Error::other(e)))
    }
}

impl tower_service::Service<http::Uri> for Upgrade {
    type Response = Upgraded;
    type Error = UpgradeError;
    type Future = Pin<Box<dyn Future<Output = Result<Upgraded, UpgradeError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.open().await })
    }
}
