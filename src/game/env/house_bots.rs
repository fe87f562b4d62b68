//! The house bots an environment makes from its own specification: the opponent
//! `cagematch check` plays a bot against, and `cagematch init`'s template and examples.
//! Python source, made from the action schema and the observation's `legalActions`.

use super::environment::Environment;
use serde_json::Value;

/// Text for a Python comment: no character that could end the line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// How a made-up agent picks its action.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Random,
    First,
}

impl Environment {
    /// The opponent `cagematch check` plays a bot against: a random legal action where
    /// the observation lists them (OpenSpiel's `legalActions`), else a random value the
    /// action schema allows (its `enum`, or an integer between its bounds; the minimum
    /// where it has no maximum), else the schema's default. As Python source.
    pub fn opponent(&self) -> String {
        self.agent(Pick::Random, "")
    }

    /// `init`'s second example: the first legal action, the schema's first option or its
    /// minimum.
    pub fn first_mover(&self) -> String {
        self.agent(Pick::First, "")
    }

    /// `init`'s template: the random agent, with what a bot gets and gives.
    pub fn template(&self) -> String {
        let head = format!(
            "# A bot for {} ({}). cagematch calls the last function defined here,\n\
             # agent(observation, configuration), once per turn, as Kaggle does; it\n\
             # returns an action the game's action schema allows. This one plays at\n\
             # random: replace it with your own.\n",
            one_line(&self.title),
            one_line(&self.label)
        );
        self.agent(Pick::Random, &head)
    }

    fn agent(&self, pick: Pick, head: &str) -> String {
        // A JSON value as a Python expression: its JSON text in a JSON string literal
        // (which Python reads the same), decoded by json.loads.
        let literal = |v: &Value| {
            let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
            format!("json.loads({})", Value::from(text))
        };
        let (choose, first) = match pick {
            Pick::Random => ("random.choice", false),
            Pick::First => ("(lambda options: options[0])", true),
        };
        let schema = &self.action;
        let fallback = match (
            schema.get("enum"),
            schema.get("type").and_then(Value::as_str),
        ) {
            (Some(options), _) if options.as_array().is_some_and(|o| !o.is_empty()) => {
                format!("{choose}({})", literal(options))
            }
            (_, Some("integer")) => {
                let low = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
                let high = schema.get("maximum").and_then(Value::as_i64).unwrap_or(low);
                match first {
                    true => format!("{low}"),
                    false => format!("random.randint({low}, {})", high.max(low)),
                }
            }
            _ => literal(schema.get("default").unwrap_or(&Value::Null)),
        };
        // OpenSpiel's actions are `{"submission": n}`; a game whose action is the value
        // itself (an integer, say) gets the legal value as it is.
        let wrapped = schema
            .get("properties")
            .and_then(|p| p.get("submission"))
            .is_some()
            || match schema.get("type") {
                Some(Value::String(t)) => t == "object",
                Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
                _ => false,
            };
        let legal = if wrapped {
            format!("{{\"submission\": {choose}(legal)}}")
        } else {
            format!("{choose}(legal)")
        };
        format!(
            "{head}import json\nimport random\n\n\n\
             def agent(observation, configuration):\n\
             \x20   legal = observation.get(\"legalActions\")\n\
             \x20   if legal:\n\
             \x20       return {legal}\n\
             \x20   return {fallback}\n"
        )
    }
}
