//! The listener: TCP accept loop, TLS handshake (mutual TLS, revocation checked), HTTP/1.1
//! with keep-alive, and the API router behind it.
//!
//! The accept loop is written out (tokio-rustls + hyper) rather than hidden in a framework so
//! that the verified client certificate of each connection can be handed to every request on
//! it ([`ConnectionPeer`]), and so that a refused handshake is counted and logged in one place.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use portwatch_store::Store;

use crate::clock::Clock;
use crate::identity::ConnectionPeer;
use crate::limits::Limits;
use crate::state::AppState;
use crate::tls::{peer_certificate, server_config, ServerTlsFiles};

/// How long a client has to finish the TLS handshake or send a request head.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Mutual TLS; `None` means plain HTTP, allowed on a loopback address only.
    pub tls: Option<ServerTlsFiles>,
    pub limits: Limits,
    /// The data directory (API keys, fingerprint key, revocation list).
    pub data: PathBuf,
    /// Where timestamps come from: [`Clock::real`] except in `portwatch demo`.
    pub clock: Clock,
    /// A second listener on the same server, plain HTTP on a loopback address: the web console
    /// for the people at the machine that runs a mutual-TLS server.
    pub console_listen: Option<SocketAddr>,
}

/// Why a server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "refusing plain HTTP on {addr}: without TLS portwatch listens only on a loopback \
         address (127.0.0.1 or ::1); pass --tls-cert, --tls-key and --client-ca to listen on {addr}"
    )]
    PlainHttpNotLoopback { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A server running in the background of the current tokio runtime.
pub struct RunningServer {
    /// The address it listens on (with the real port when 0 was asked for).
    pub local_addr: SocketAddr,
    /// The plain-HTTP loopback listener's address, when one was asked for.
    pub console_addr: Option<SocketAddr>,
    pub state: Arc<AppState>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// Stops accepting connections and following the store, and waits for the accept loop to
    /// end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }

    /// Waits until the accept loop ends (it runs until [`RunningServer::shutdown`]).
    pub async fn wait(self) {
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts a server over `store` and returns once it listens.
pub async fn start(
    store: Arc<dyn Store>,
    config: ServerConfig,
) -> Result<RunningServer, StartError> {
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        return Err(StartError::PlainHttpNotLoopback {
            addr: config.listen,
        });
    }
    if let Some(addr) = config.console_listen.filter(|a| !a.ip().is_loopback()) {
        return Err(StartError::PlainHttpNotLoopback { addr });
    }
    let acceptor = match &config.tls {
        Some(files) => Some(TlsAcceptor::from(server_config(files)?)),
        None => None,
    };
    let state = Arc::new(AppState::new(
        store,
        config.data.clone(),
        config.limits.clone(),
        config.clock.clone(),
    )?);
    let (stop, stopped) = watch::channel(false);
    crate::engine_link::start_following(state.clone(), stopped.clone());
    let (listener, local_addr) = bind(config.listen).await?;
    let console = match config.console_listen {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let router = crate::api::router(state.clone());
    let mut tasks = vec![tokio::spawn(accept_loop(
        listener,
        acceptor,
        router.clone(),
        state.clone(),
        stopped.clone(),
    ))];
    tracing::info!(%local_addr, tls = config.tls.is_some(), "portwatch is listening");
    let console_addr = console.map(|(listener, addr)| {
        tasks.push(tokio::spawn(accept_loop(
            listener,
            None,
            router,
            state.clone(),
            stopped,
        )));
        tracing::info!(%addr, "the console listens on plain HTTP (loopback)");
        addr
    });
    Ok(RunningServer {
        local_addr,
        console_addr,
        state,
        stop,
        tasks,
    })
}

async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok((listener, local))
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    router: axum::Router,
    state: Arc<AppState>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let (tcp, remote) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        state.metrics.connection();
        tokio::spawn(connection(
            tcp,
            remote,
            acceptor.clone(),
            router.clone(),
            state.clone(),
        ));
    }
}

async fn connection(
    tcp: TcpStream,
    remote: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    router: axum::Router,
    state: Arc<AppState>,
) {
    let Some(acceptor) = acceptor else {
        serve(TokioIo::new(tcp), router, ConnectionPeer(None), false).await;
        return;
    };
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            state.metrics.tls_refused();
            tracing::info!(%remote, error = %e, "TLS handshake refused");
            return;
        }
        Err(_) => {
            state.metrics.tls_refused();
            tracing::info!(%remote, "TLS handshake timed out");
            return;
        }
    };
    let peer = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .and_then(peer_certificate)
        .map(Arc::new);
    serve(TokioIo::new(tls), router, ConnectionPeer(peer), true).await;
}

async fn serve<IO>(io: TokioIo<IO>, router: axum::Router, peer: ConnectionPeer, tls: bool)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(peer.clone());
        req.extensions_mut().insert(crate::console::OverTls(tls));
        router.clone().oneshot(req)
    });
    let result = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_TIMEOUT)
        .keep_alive(true)
        .serve_connection(io, service)
        .await;
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
