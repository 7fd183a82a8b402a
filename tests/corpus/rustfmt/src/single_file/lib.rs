pub fn greet(name:&str)->String{
    format!("hello {}",name)
}

pub fn shout(name: &str) -> String {
    greet(name).to_uppercase()
}

pub fn whisper(name: &str) -> String { greet(name)
    .to_lowercase() }
