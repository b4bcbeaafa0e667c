//! `portwatch serve`: the HTTPS API over mutual TLS (or plain HTTP on loopback only).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use portwatch_server::{Limits, ServerConfig, ServerTlsFiles};

use super::UsageError;

/// How to serve.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on. Without TLS only a loopback address is accepted.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// The server's certificate (PEM), e.g. from `portwatch ca server`.
    #[arg(long, requires_all = ["tls_key", "client_ca"])]
    tls_cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[arg(long, requires_all = ["tls_cert", "client_ca"])]
    tls_key: Option<PathBuf>,
    /// The CA whose certificates clients must present (the network's `ca.crt`).
    #[arg(long, requires_all = ["tls_cert", "tls_key"])]
    client_ca: Option<PathBuf>,
    /// Requests per second each agency may sustain.
    #[arg(long, default_value_t = 2000.0)]
    rate: f64,
    /// Requests an agency may send at once above its rate.
    #[arg(long, default_value_t = 4000.0)]
    burst: f64,
    /// Largest JSON request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    body_limit: usize,
    /// Largest manifest body, in bytes.
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    manifest_limit: usize,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Also serve the API and the web console on plain HTTP at this loopback address (e.g.
    /// 127.0.0.1:8080), for the people at the machine that runs a mutual-TLS server.
    #[arg(long)]
    console_listen: Option<SocketAddr>,
}

pub fn run(args: ServeArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let tls = match (args.tls_cert, args.tls_key, args.client_ca) {
        (Some(cert), Some(key), Some(client_ca)) => Some(ServerTlsFiles {
            cert,
            key,
            client_ca,
            revocation_list: portwatch_server::pki::revocation_path(data),
        }),
        (None, None, None) => None,
        _ => {
            return Err(
                UsageError("TLS needs all of --tls-cert, --tls-key and --client-ca".into()).into(),
            )
        }
    };
    if !(args.rate > 0.0 && args.burst >= 1.0) {
        return Err(UsageError("--rate must be > 0 and --burst at least 1".into()).into());
    }
    let limits = Limits {
        body_bytes: args.body_limit,
        manifest_bytes: args.manifest_limit,
        rate_per_second: args.rate,
        rate_burst: args.burst,
        request_timeout: Duration::from_secs(args.timeout.max(1)),
        ..Limits::default()
    };
    init_logging();
    // The data directory keeps the server's files (revocation list, API keys) either way.
    let store: Arc<dyn portwatch_store::Store> = Arc::from(super::open_store(data, store)?);
    let scheme = if tls.is_some() { "https" } else { "http" };
    let config = ServerConfig {
        listen: args.listen,
        tls,
        limits,
        data: data.to_path_buf(),
        clock: portwatch_server::Clock::real(),
        console_listen: args.console_listen,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let server = portwatch_server::start(store, config).await?;
        eprintln!(
            "portwatch serving on {}; /readyz answers 200 once the engine is loaded; Ctrl-C stops",
            server.local_addr
        );
        eprintln!(
            "the web console: {scheme}://{}/ (sign in with an API key)",
            server.local_addr
        );
        if let Some(console) = server.console_addr {
            eprintln!("the web console on this machine: http://{console}/");
        }
        tokio::signal::ctrl_c().await?;
        eprintln!("stopping");
        server.shutdown().await;
        Ok(())
    })
}

/// Log lines to stderr, `info` unless `RUST_LOG` says otherwise. The server never logs secrets
/// or query contents, whatever the level.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
