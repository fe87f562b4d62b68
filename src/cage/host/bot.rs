//! The host's handle on one caged bot: load it, ask it for moves, and turn everything
//! that goes wrong into a [`Fault`]. Nothing a bot sends can make it panic or block past
//! a deadline: bytes move in `process.rs`, their meaning is read in `dialect.rs`.

use super::cgroup::BotCgroup;
use super::compiled;
use super::dialect::{Answer, Dialect};
use super::process::exchange::{exchange_all, Ask, Exchange};
use super::process::{BotProcess, Wire};
use super::program::{BotSource, Program};
use crate::cage::fault::{Fault, FaultKind};
use crate::cage::layers::Layers;
use crate::cage::policy::Limits;
use crate::cage::protocol::Hello;
use crate::error::CageError;
use serde_json::value::RawValue;
use serde_json::Value;
use std::os::fd::OwnedFd;
use std::time::Duration;

/// One move: the action and what it cost.
#[derive(Debug, Clone)]
pub struct Move {
    pub action: Value,
    /// What the time control charges for the move: wall time less the time the machine
    /// kept the bot from running (CPU time where the kernel cannot tell).
    pub charged: Duration,
    /// Wall-clock time from sending the request to having the reply.
    pub wall: Duration,
    /// Lines the bot printed during the move, neutralised.
    pub logs: Vec<String>,
}

/// A loaded bot: the agent the host found and what loading cost.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub agent: String,
    pub arity: usize,
    /// Charged like a move.
    pub charged: Duration,
    pub wall: Duration,
    pub logs: Vec<String>,
}

pub struct Bot {
    process: BotProcess,
    dialect: Dialect,
    layers: Option<Layers>,
    dead: Option<Fault>,
    name: String,
    /// Lines of a move whose reply turned out to be a fault, until the referee asks.
    unclaimed: Vec<String>,
}

impl Bot {
    /// Wraps the descriptors the zygote sent (request, reply, log, status, pidfd) and
    /// waits for the child's report that it is caged.
    pub(super) fn new(
        pid: libc::pid_t,
        fds: Vec<OwnedFd>,
        limits: &Limits,
        setup_deadline: Duration,
        dialect: Dialect,
        cgroup: Option<BotCgroup>,
    ) -> Result<Bot, CageError> {
        let mut process = BotProcess::new(pid, fds, limits, cgroup).map_err(CageError::Spawn)?;
        // The child sends this frame before it reads any bot code (in either dialect),
        // so it is trusted; it is still parsed strictly.
        let hello = process
            .exchange(Ask {
                out: &[],
                wire: Wire::Frames,
                budget: setup_deadline,
                backstop: setup_deadline,
            })
            .map_err(|f| {
                CageError::Spawn(format!("the bot process failed while caging itself: {f}"))
            })?;
        match serde_json::from_value::<Hello>(hello.reply) {
            Ok(Hello::Caged(layers)) => Ok(Bot {
                process,
                dialect,
                layers: Some(layers),
                dead: None,
                name: String::from("bot"),
                unclaimed: Vec::new(),
            }),
            Ok(Hello::CageError(e)) => Err(CageError::Layer(e)),
            Err(e) => Err(CageError::Spawn(format!(
                "the bot process sent a malformed set-up report: {e}"
            ))),
        }
    }

    pub fn pid(&self) -> libc::pid_t {
        self.process.pid()
    }

    /// The sandbox layers this bot process got.
    pub fn layers(&self) -> Option<&Layers> {
        self.layers.as_ref()
    }

    /// The bot's total CPU time so far.
    pub fn cpu_time(&self) -> Option<Duration> {
        self.process.cpu_time()
    }

    /// The bot's cgroup limits in words, or `None` when it has no cgroup.
    pub fn cgroup(&self) -> Option<String> {
        self.process.cgroup()
    }

    /// The clock the time control uses for this bot, in words.
    pub fn clock(&self) -> &'static str {
        self.process.clock()
    }

    /// Sends the bot's source, seeds its `random`, runs its top level and finds its agent.
    pub fn load(
        &mut self,
        source: &BotSource,
        seed: u64,
        budget: Duration,
    ) -> Result<Loaded, Fault> {
        self.name = source.name.clone();
        let modules = source.bundle.as_ref().map_or(&[][..], |b| &b.modules[..]);
        // A one-file bot's source is compiled once a run (see `compiled.rs`): the first
        // load asks for its code first, and that costs the load.
        let key = source
            .bundle
            .is_none()
            .then(|| compiled::key(&source.name, &source.code));
        let code = key.as_ref().and_then(compiled::get);
        let mut compiling = None;
        if let (Some(key), None) = (key, &code) {
            let (answer, ex) = self.ask(&Dialect::compile(&source.name, &source.code), budget)?;
            let Answer::Compiled(text) = answer else {
                return Err(self.fail(Fault::new(
                    FaultKind::Protocol,
                    "sent a reply that is not a compile report",
                )));
            };
            if let Some(text) = text {
                compiled::keep(key, text);
            }
            compiling = Some(ex);
        }
        let left =
            budget.saturating_sub(compiling.as_ref().map_or(Duration::ZERO, |ex| ex.charged));
        let request = Dialect::load(&source.name, &source.code, seed, modules, code.as_deref());
        let (answer, mut ex) = self.ask(&request, left)?;
        if let Some(first) = compiling {
            ex.charged += first.charged;
            ex.wall += first.wall;
        }
        match answer {
            Answer::Ready {
                agent: Some(agent),
                arity,
            } if arity <= 2 => Ok(self.loaded(agent, arity, ex)),
            _ => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                "sent a reply that is not a load report",
            ))),
        }
    }

    /// Loads `program`: sends a Python bot its source, or starts a compiled bot (which
    /// the cage already executed) with its seed and waits for it to say it is ready.
    pub fn load_program(
        &mut self,
        program: &Program,
        seed: u64,
        budget: Duration,
    ) -> Result<Loaded, Fault> {
        let native = match program {
            Program::Python(source) => return self.load(source, seed, budget),
            Program::Native(native) => native,
        };
        self.name = native.name.clone();
        let (answer, ex) = self.ask(&Dialect::seed(seed), budget)?;
        match answer {
            Answer::Ready { agent, .. } => {
                let agent = agent.unwrap_or_else(|| native.name.clone());
                Ok(self.loaded(agent, 2, ex))
            }
            _ => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                r#"answered its seed with something other than {"ready": "name"}"#,
            ))),
        }
    }

    fn loaded(&mut self, agent: String, arity: usize, ex: Exchange) -> Loaded {
        Loaded {
            agent,
            arity,
            charged: ex.charged,
            wall: ex.wall,
            logs: std::mem::take(&mut self.unclaimed),
        }
    }

    /// Asks the agent for one action, within `budget` of charged time.
    pub fn act(
        &mut self,
        observation: &Value,
        configuration: &Value,
        budget: Duration,
    ) -> Result<Move, Fault> {
        let configuration = encoded(configuration);
        self.ask_move(Question {
            observation,
            configuration: &configuration,
            budget,
        })
    }

    /// [`Bot::act`] with the configuration already encoded (a match encodes it once).
    pub fn ask_move(&mut self, q: Question<'_>) -> Result<Move, Fault> {
        let request = self.dialect.act(q.observation, q.configuration);
        let answer = self.ask(&request, q.budget);
        self.action(answer)
    }

    /// A move's answer as the move, or the fault of a reply that is not an action.
    fn action(&mut self, answer: Result<(Answer, Exchange), Fault>) -> Result<Move, Fault> {
        let (answer, ex) = answer?;
        match answer {
            Answer::Action(action) => Ok(Move {
                action,
                charged: ex.charged,
                wall: ex.wall,
                logs: std::mem::take(&mut self.unclaimed),
            }),
            _ if self.dialect == Dialect::Native => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                r#"answered a move with {"ready": …} instead of {"action": …}"#,
            ))),
            _ => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                "sent a reply that is not an action",
            ))),
        }
    }

    /// One request and its reply, read in the bot's dialect; the move's lines wait in
    /// `unclaimed` until the caller takes them (with the move, or with [`Bot::take_logs`]).
    fn ask(&mut self, request: &[u8], budget: Duration) -> Result<(Answer, Exchange), Fault> {
        if let Some(fault) = &self.dead {
            return Err(fault.clone());
        }
        let ask = self.request(request, budget);
        let exchanged = self.process.exchange(ask);
        self.answer(exchanged)
    }

    fn request<'a>(&self, out: &'a [u8], budget: Duration) -> Ask<'a> {
        Ask {
            out,
            wire: self.dialect.wire(),
            budget,
            backstop: backstop(budget),
        }
    }

    /// An exchange read in the bot's dialect.
    fn answer(&mut self, exchanged: Result<Exchange, Fault>) -> Result<(Answer, Exchange), Fault> {
        let mut ex = exchanged.map_err(|f| self.fail(f))?;
        self.unclaimed = std::mem::take(&mut ex.logs);
        let reply = std::mem::take(&mut ex.reply);
        let answer = self.dialect.read(reply).map_err(|f| self.fail(f))?;
        Ok((answer, ex))
    }

    /// What the bot printed during a move that ended in a fault (a successful move hands
    /// its lines back in [`Move::logs`]).
    pub fn take_logs(&mut self) -> Vec<String> {
        let mut lines = std::mem::take(&mut self.unclaimed);
        lines.extend(self.process.take_logs());
        lines
    }

    /// Stops the bot until its next request (see [`BotProcess::freeze`]).
    pub fn freeze(&mut self) {
        if self.dead.is_none() {
            self.process.freeze();
        }
    }

    /// How the host treats this bot from now on.
    pub fn set_fairness(&mut self, fairness: crate::cage::policy::Fairness) {
        self.process.charge_wall_time(!fairness.forgive_run_queue);
    }

    /// Kills the bot process now (it is also killed when dropped).
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Records a fault, kills the bot and hands the fault back.
    fn fail(&mut self, fault: Fault) -> Fault {
        self.kill();
        self.dead = Some(fault.clone());
        fault
    }
}

/// One seat's question: its observation, the game's configuration (see [`encoded`]) and
/// the budget for its answer.
pub struct Question<'a> {
    pub observation: &'a Value,
    pub configuration: &'a RawValue,
    pub budget: Duration,
}

/// A configuration as it goes into every request of a match.
pub fn encoded(configuration: &Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(configuration).expect("a JSON value always encodes")
}

/// Asks several bots for their actions at once (the seats of a simultaneous game): every
/// request is sent before any reply is awaited, so the seats think in parallel and a
/// round costs the slowest of them, not their sum. Each move is charged, checked and
/// faulted exactly as [`Bot::act`] would.
pub fn act_all(bots: Vec<&mut Bot>, questions: Vec<Question<'_>>) -> Vec<Result<Move, Fault>> {
    if bots.iter().any(|b| b.dead.is_some()) {
        return bots
            .into_iter()
            .zip(questions)
            .map(|(b, q)| b.ask_move(q))
            .collect();
    }
    let requests: Vec<Vec<u8>> = bots
        .iter()
        .zip(&questions)
        .map(|(b, q)| b.dialect.act(q.observation, q.configuration))
        .collect();
    let asks: Vec<Ask<'_>> = bots
        .iter()
        .zip(&questions)
        .zip(&requests)
        .map(|((b, q), r)| b.request(r, q.budget))
        .collect();
    let mut bots = bots;
    let exchanged = exchange_all(bots.iter_mut().map(|b| &mut b.process).zip(asks).collect());
    bots.into_iter()
        .zip(exchanged)
        .map(|(b, ex)| {
            let answer = b.answer(ex);
            b.action(answer)
        })
        .collect()
}

/// The wall-clock limit for a move whose budget is `budget`: the last resort for a
/// machine so overloaded that a bot is never charged (it waits in the run queue the whole
/// time), or where only CPU time can be charged and the bot sleeps.
pub fn backstop(budget: Duration) -> Duration {
    budget * 2 + Duration::from_secs(1)
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("pid", &self.pid())
            .field("name", &self.name)
            .finish()
    }
}
