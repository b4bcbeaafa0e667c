//! A minimal HTTPS client for portwatch: one mutual-TLS connection kept alive, HTTP/1.1
//! requests sent one after the other on it. Used by `portwatch bench http` and by scripts
//! written in Rust; it speaks with the same rustls configuration as the server.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, BodyStream, Full, StreamBody};
use hyper::body::Frame;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The body type the client sends: whole bytes or a stream of chunks.
type ClientBody = http_body_util::Either<
    Full<Bytes>,
    StreamBody<futures_util::stream::BoxStream<'static, Result<Frame<Bytes>, std::io::Error>>>,
>;

/// A kept-alive mutual-TLS connection to a portwatch server.
pub struct Connection {
    sender: SendRequest<ClientBody>,
    host: String,
}

impl Connection {
    /// Connects to `addr`, verifying the server as `server_name`.
    pub async fn open(
        addr: SocketAddr,
        server_name: &str,
        config: Arc<rustls::ClientConfig>,
    ) -> anyhow::Result<Connection> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let name = ServerName::try_from(server_name.to_string())?;
        let tls = TlsConnector::from(config).connect(name, tcp).await?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Connection {
            sender,
            host: server_name.to_string(),
        })
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
    ) -> hyper::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, &self.host);
        if let Some(ct) = content_type {
            builder = builder.header(hyper::header::CONTENT_TYPE, ct);
        }
        builder
    }

    /// Sends a request with a whole body and reads the whole answer.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(Bytes, &str)>,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let (bytes, ct) = match body {
            Some((b, ct)) => (b, Some(ct)),
            None => (Bytes::new(), None),
        };
        let req = self
            .request(method, path, ct)
            .body(http_body_util::Either::Left(Full::new(bytes)))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(req).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }

    /// Sends a streamed body (chunks produced as they are sent) and calls `on_chunk` with
    /// each chunk of the answer as it arrives; returns the status.
    pub async fn stream(
        &mut self,
        path: &str,
        content_type: &str,
        chunks: futures_util::stream::BoxStream<'static, Bytes>,
        mut on_chunk: impl FnMut(&[u8]),
    ) -> anyhow::Result<StatusCode> {
        let frames = chunks
            .map(|b| Ok::<_, std::io::Error>(Frame::data(b)))
            .boxed();
        let req = self
            .request(Method::POST, path, Some(content_type))
            .body(http_body_util::Either::Right(StreamBody::new(frames)))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(req).await?;
        let status = response.status();
        let mut body = BodyStream::new(response.into_body());
        while let Some(frame) = body.next().await {
            if let Ok(data) = frame?.into_data() {
                on_chunk(&data);
            }
        }
        Ok(status)
    }
}
