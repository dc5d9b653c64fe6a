package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRandom;
import io.shiq.bfcl.py.PyStr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's {@code VehicleControlAPI} (func_source_code/vehicle_control.py): engine, doors, climate, brakes, cruise
 * control, navigation and a few unit conversions. The scenario's values are kept as given (an int stays an int, so
 * {@code fillFuelTank} on an int level with an int amount gives an int, as in Python), and the arithmetic follows
 * Python's operator semantics and evaluation order, including the TypeErrors that wrong types raise.
 */
public class VehicleControlAPI extends Backend {
  private static final long MAX_FUEL_LEVEL = 50;
  private static final double MIN_FUEL_LEVEL = 0.0;
  private static final double MILE_PER_GALLON = 20.0;
  private static final long DEFAULT_RANDOM_SEED = 141053;

  private static final String CAR_STATUS_METADATA_EXTENSION = LongContext.get("CAR_STATUS_METADATA_EXTENSION");
  private static final String PARKING_BRAKE_INSTRUCTION = LongContext.get("PARKING_BRAKE_INSTRUCTION");

  private PyRandom random;
  private boolean loaded;

  private Object fuelLevel;
  private Object batteryVoltage;
  private Object engineState;
  private long remainingUnlockedDoors;
  private Map<Object, Object> doorStatus;
  private Object acTemperature;
  private Object fanSpeed;
  private Object acMode;
  private Object humidityLevel;
  private Object headLightStatus;
  private Object parkingBrakeStatus;
  private Object parkingBrakeForce;
  private Object slopeAngle;
  private Object brakePedalStatus;
  private Object brakePedalForce;
  private Object distanceToNextVehicle;
  private Object cruiseStatus;
  private Object destination;
  private Object frontLeftTirePressure;
  private Object frontRightTirePressure;
  private Object rearLeftTirePressure;
  private Object rearRightTirePressure;
  private boolean longContext;

  // The module-level long_context objects the Python returns by reference. The Python writes "outsideTemperature"
  // into the shared LONG_WEATHER_EXTENSION dict on each call (get_outside_temperature_from_google); nothing else reads
  // it, so one copy per instance, updated the same way, returns the same dicts (the key is always last: it is not
  // among the original keys, so its first insertion appends it and later writes keep its place).
  private Map<String, Object> longWeather;
  private List<Object> intermediaryCities;

  public VehicleControlAPI() {
    define("startEngine", a -> startEngine(a.get("ignitionMode")), Param.req("ignitionMode"));
    define("fillFuelTank", a -> fillFuelTank(a.get("fuelAmount")), Param.req("fuelAmount"));
    define("lockDoors", a -> lockDoors(a.get("unlock"), a.get("door")), Param.req("unlock"), Param.req("door"));
    define("adjustClimateControl",
        a -> adjustClimateControl(a.get("temperature"), a.get("unit"), a.get("fanSpeed"), a.get("mode")),
        Param.req("temperature"), Param.opt("unit", "celsius"), Param.opt("fanSpeed", 50L),
        Param.opt("mode", "auto"));
    define("get_outside_temperature_from_google", a -> getOutsideTemperatureFromGoogle());
    define("get_outside_temperature_from_weather_com", a -> getOutsideTemperatureFromWeatherCom());
    define("setHeadlights", a -> setHeadlights(a.get("mode")), Param.req("mode"));
    define("displayCarStatus", a -> displayCarStatus(a.get("option")), Param.req("option"));
    define("activateParkingBrake", a -> activateParkingBrake(a.get("mode")), Param.req("mode"));
    define("pressBrakePedal", a -> pressBrakePedal(a.get("pedalPosition")), Param.req("pedalPosition"));
    define("releaseBrakePedal", a -> releaseBrakePedal());
    define("setCruiseControl",
        a -> setCruiseControl(a.get("speed"), a.get("activate"), a.get("distanceToNextVehicle")),
        Param.req("speed"), Param.req("activate"), Param.req("distanceToNextVehicle"));
    define("get_current_speed", a -> getCurrentSpeed());
    define("display_log", a -> displayLog(a.get("messages")), Param.req("messages"));
    define("estimate_drive_feasibility_by_mileage", a -> estimateDriveFeasibilityByMileage(a.get("distance")),
        Param.req("distance"));
    define("liter_to_gallon", a -> literToGallon(a.get("liter")), Param.req("liter"));
    define("gallon_to_liter", a -> gallonToLiter(a.get("gallon")), Param.req("gallon"));
    define("estimate_distance", a -> estimateDistance(a.get("cityA"), a.get("cityB")), Param.req("cityA"),
        Param.req("cityB"));
    define("get_zipcode_based_on_city", a -> getZipcodeBasedOnCity(a.get("city")), Param.req("city"));
    define("set_navigation", a -> setNavigation(a.get("destination")), Param.req("destination"));
    define("check_tire_pressure", a -> checkTirePressure());
    define("find_nearest_tire_shop", a -> findNearestTireShop());
  }

  /** A fresh {@code deepcopy(DEFAULT_STATE)} (vehicle_control.py's module-level defaults). */
  private static Map<String, Object> defaultState() {
    Map<String, Object> doors = new LinkedHashMap<>();
    doors.put("driver", "unlocked");
    doors.put("passenger", "unlocked");
    doors.put("rear_left", "unlocked");
    doors.put("rear_right", "unlocked");
    return attributes("random_seed", DEFAULT_RANDOM_SEED, "fuelLevel", 0.0, "batteryVoltage", 12.6,
        "engine_state", "stopped", "remainingUnlockedDoors", 4L, "doorStatus", doors, "acTemperature", 25.0,
        "fanSpeed", 50L, "acMode", "auto", "humidityLevel", 50.0, "headLightStatus", "off",
        "parkingBrakeStatus", "released", "_parkingBrakeForce", 0.0, "_slopeAngle", 0.0,
        "brakePedalStatus", "released", "brakePedalForce", 0.0, "distanceToNextVehicle", 50.0,
        "cruiseStatus", "inactive", "destination", "None", "frontLeftTirePressure", 32.0,
        "frontRightTirePressure", 32.0, "rearLeftTirePressure", 30.0, "rearRightTirePressure", 30.0);
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    Map<String, Object> d = defaultState();
    random = PyRandom.seeded(get(scenario, "random_seed", d.get("random_seed")));
    fuelLevel = get(scenario, "fuelLevel", d.get("fuelLevel"));
    batteryVoltage = get(scenario, "batteryVoltage", d.get("batteryVoltage"));
    engineState = get(scenario, "engineState", d.get("engine_state"));
    // The scenario's remainingUnlockedDoors is read and then overwritten by the count below.
    doorStatus = PyContainers.asDict(get(scenario, "doorStatus", d.get("doorStatus")), "keys");
    long locked = doorStatus.values().stream().filter(s -> "locked".equals(s)).count();
    remainingUnlockedDoors = 4 - locked;
    acTemperature = get(scenario, "acTemperature", d.get("acTemperature"));
    fanSpeed = get(scenario, "fanSpeed", d.get("fanSpeed"));
    acMode = get(scenario, "acMode", d.get("acMode"));
    humidityLevel = get(scenario, "humidityLevel", d.get("humidityLevel"));
    headLightStatus = get(scenario, "headLightStatus", d.get("headLightStatus"));
    parkingBrakeStatus = get(scenario, "parkingBrakeStatus", d.get("parkingBrakeStatus"));
    parkingBrakeForce = get(scenario, "parkingBrakeForce", d.get("_parkingBrakeForce"));
    slopeAngle = get(scenario, "slopeAngle", d.get("_slopeAngle"));
    brakePedalStatus = get(scenario, "brakePedalStatus", d.get("brakePedalStatus"));
    brakePedalForce = get(scenario, "brakePedalForce", d.get("brakePedalForce"));
    distanceToNextVehicle = get(scenario, "distanceToNextVehicle", d.get("distanceToNextVehicle"));
    cruiseStatus = get(scenario, "cruiseStatus", d.get("cruiseStatus"));
    destination = get(scenario, "destination", d.get("destination"));
    frontLeftTirePressure = get(scenario, "frontLeftTirePressure", d.get("frontLeftTirePressure"));
    frontRightTirePressure = get(scenario, "frontRightTirePressure", d.get("frontRightTirePressure"));
    rearLeftTirePressure = get(scenario, "rearLeftTirePressure", d.get("rearLeftTirePressure"));
    rearRightTirePressure = get(scenario, "rearRightTirePressure", d.get("rearRightTirePressure"));
    this.longContext = longContext;
    loaded = true;
  }

  @Override
  public Map<String, Object> state() {
    if (!loaded) {
      return new LinkedHashMap<>(); // the Python __init__ only annotates these attributes
    }
    // vars(self) order: first assignment in _load_scenario (remainingUnlockedDoors keeps its first place).
    return attributes("fuelLevel", fuelLevel, "batteryVoltage", batteryVoltage, "engine_state", engineState,
        "remainingUnlockedDoors", remainingUnlockedDoors, "doorStatus", doorStatus, "acTemperature", acTemperature,
        "fanSpeed", fanSpeed, "acMode", acMode, "humidityLevel", humidityLevel, "headLightStatus", headLightStatus,
        "parkingBrakeStatus", parkingBrakeStatus, "brakePedalStatus", brakePedalStatus,
        "distanceToNextVehicle", distanceToNextVehicle, "cruiseStatus", cruiseStatus, "destination", destination,
        "frontLeftTirePressure", frontLeftTirePressure, "frontRightTirePressure", frontRightTirePressure,
        "rearLeftTirePressure", rearLeftTirePressure, "rearRightTirePressure", rearRightTirePressure,
        "long_context", longContext);
  }

  // ---- public methods, in the Python's order -------------------------------------------------------------------

  public Map<String, Object> startEngine(Object ignitionMode) {
    if ("STOP".equals(ignitionMode)) {
      engineState = "stopped";
    }
    if (remainingUnlockedDoors > 0) {
      List<Object> unlocked = new ArrayList<>();
      for (Map.Entry<Object, Object> e : doorStatus.entrySet()) {
        if ("unlocked".equals(e.getValue())) {
          unlocked.add(e.getKey());
        }
      }
      return dict("error", "All doors must be locked before starting the engine. Here are the unlocked doors: "
          + PyStr.join(", ", unlocked));
    }
    if (!"pressed".equals(brakePedalStatus)) {
      return dict("error", "Brake pedal needs to be pressed when starting the engine.");
    }
    if (!PyEquals.equal(brakePedalForce, 1000.0)) {
      return dict("error", "Must press the brake fully before starting the engine.");
    }
    if (PyCompare.lessThan(fuelLevel, MIN_FUEL_LEVEL)) {
      return dict("error", "Fuel tank is empty.");
    }
    if ("START".equals(ignitionMode)) {
      engineState = "running";
    } else {
      return dict("error", "Invalid ignition mode.");
    }
    return dict("engineState", engineState, "fuelLevel", fuelLevel, "batteryVoltage", batteryVoltage);
  }

  public Map<String, Object> fillFuelTank(Object fuelAmount) {
    if (PyCompare.lessThan(fuelAmount, 0L)) {
      return dict("error", "Fuel amount cannot be negative.");
    }
    if (PyCompare.greaterThan(PyOperators.add(fuelLevel, fuelAmount), MAX_FUEL_LEVEL)) {
      return dict("error", "Cannot fill gas above the tank capacity.");
    }
    if (PyCompare.lessThan(PyOperators.add(fuelLevel, fuelAmount), MIN_FUEL_LEVEL)) {
      return dict("error", "Fuel tank is empty. Min fuel level is 0 gallons.");
    }
    fuelLevel = PyOperators.add(fuelLevel, fuelAmount);
    return dict("fuelLevel", fuelLevel);
  }

  public Map<String, Object> lockDoors(Object unlock, Object door) {
    // Doors are changed one by one: a KeyError on a later name leaves the earlier ones changed, as in Python.
    String target = Args.truthy(unlock) ? "unlocked" : "locked";
    for (Object d : PyContainers.iterate(door)) {
      if (target.equals(PyContainers.getItem(doorStatus, d))) {
        continue;
      }
      PyContainers.setItem(doorStatus, d, target);
      remainingUnlockedDoors += Args.truthy(unlock) ? 1 : -1;
    }
    return dict("lockStatus", target, "remainingUnlockedDoors", remainingUnlockedDoors);
  }

  public Map<String, Object> adjustClimateControl(Object temperature, Object unit, Object fanSpeed, Object mode) {
    if (!(PyCompare.lessEqual(0L, fanSpeed) && PyCompare.lessEqual(fanSpeed, 100L))) {
      return dict("error", "Fan speed must be between 0 and 100.");
    }
    acTemperature = temperature; // set before the conversion below may raise, as in the Python
    if ("fahrenheit".equals(unit)) {
      acTemperature = PyOperators.trueDiv(PyOperators.mul(PyOperators.sub(temperature, 32L), 5L), 9L);
    }
    this.fanSpeed = fanSpeed;
    acMode = mode;
    return dict("currentACTemperature", temperature, "climateMode", mode, "humidityLevel", humidityLevel);
  }

  public Map<String, Object> getOutsideTemperatureFromGoogle() {
    if (longContext) {
      if (longWeather == null) {
        longWeather = LongContext.get("LONG_WEATHER_EXTENSION");
      }
      longWeather.put("outsideTemperature", random.uniform(-10.0, 40.0));
      return longWeather;
    }
    return dict("outsideTemperature", random.uniform(-10.0, 40.0));
  }

  public Map<String, Object> getOutsideTemperatureFromWeatherCom() {
    return dict("error", 404L);
  }

  public Map<String, Object> setHeadlights(Object mode) {
    if (!("on".equals(mode) || "off".equals(mode) || "auto".equals(mode))) {
      return dict("error", "Invalid headlight mode.");
    }
    if ("on".equals(mode)) {
      headLightStatus = "on";
      return dict("headlightStatus", "on");
    }
    headLightStatus = "off";
    return dict("headlightStatus", "off");
  }

  public Map<String, Object> displayCarStatus(Object option) {
    Map<String, Object> status = new LinkedHashMap<>();
    if (longContext) {
      status.put("metadata", CAR_STATUS_METADATA_EXTENSION);
    }
    String o = option instanceof String s ? s : "";
    switch (o) {
      case "fuel" -> status.put("fuelLevel", fuelLevel);
      case "battery" -> status.put("batteryVoltage", batteryVoltage);
      case "doors" -> status.put("doorStatus", doorStatus); // the live dict, as the Python returns it
      case "climate" -> {
        status.put("currentACTemperature", acTemperature);
        status.put("fanSpeed", fanSpeed);
        status.put("climateMode", acMode);
        status.put("humidityLevel", humidityLevel);
      }
      case "headlights" -> status.put("headlightStatus", headLightStatus);
      case "parkingBrake" -> {
        status.put("parkingBrakeStatus", parkingBrakeStatus);
        status.put("parkingBrakeForce", parkingBrakeForce);
        status.put("slopeAngle", slopeAngle);
      }
      case "brakePedal" -> {
        status.put("brakePedalStatus", brakePedalStatus);
        status.put("brakePedalForce", brakePedalForce);
      }
      case "engine" -> status.put("engineState", engineState);
      default -> status.put("error", "Invalid option");
    }
    return status;
  }

  public Map<String, Object> activateParkingBrake(Object mode) {
    if (!("engage".equals(mode) || "release".equals(mode))) {
      return dict("error", "Invalid mode");
    }
    boolean engage = "engage".equals(mode);
    parkingBrakeStatus = engage ? "engaged" : "released";
    parkingBrakeForce = engage ? 500.0 : 0.0;
    slopeAngle = 10.0; // also on release, as in the Python
    Map<String, Object> result = new LinkedHashMap<>();
    if (longContext) {
      result.put("parkingBrakeInstruction", PARKING_BRAKE_INSTRUCTION);
    }
    result.put("parkingBrakeStatus", parkingBrakeStatus);
    result.put("_parkingBrakeForce", parkingBrakeForce);
    result.put("_slopeAngle", 10.0);
    return result;
  }

  public Map<String, Object> pressBrakePedal(Object pedalPosition) {
    if (!(PyCompare.lessEqual(0L, pedalPosition) && PyCompare.lessEqual(pedalPosition, 1L))) {
      return dict("error", "Pedal position must be between 0 and 1.");
    }
    if (PyEquals.equal(pedalPosition, 0L)) {
      brakePedalStatus = "released";
      brakePedalForce = 0.0;
      return dict("brakePedalStatus", "released", "brakePedalForce", 0.0);
    }
    Object force = PyOperators.mul(pedalPosition, 1000L); // an int for an int (or bool) position, as in Python
    brakePedalStatus = "pressed";
    brakePedalForce = force;
    return dict("brakePedalStatus", "pressed", "brakePedalForce", PyNumbers.toFloat(force));
  }

  public Map<String, Object> releaseBrakePedal() {
    brakePedalStatus = "released";
    brakePedalForce = 0.0;
    return dict("brakePedalStatus", "released", "brakePedalForce", 0.0);
  }

  public Map<String, Object> setCruiseControl(Object speed, Object activate, Object distanceToNextVehicle) {
    double distance = PyNumbers.toFloat(distanceToNextVehicle); // converted before speed, as in the Python
    double s = PyNumbers.toFloat(speed);
    if ("stopped".equals(engineState)) {
      return dict("error", "Start the engine before activating the cruise control.");
    }
    if (Args.truthy(activate)) {
      this.distanceToNextVehicle = distance;
      // Python's float % keeps zero-ness of C fmod (NaN % 5 is NaN, which is != 0).
      if (s < 0 || s > 120 || s % 5 != 0) {
        return dict("error", "Invalid speed");
      }
      cruiseStatus = "active";
      return dict("cruiseStatus", "active", "currentSpeed", s, "distanceToNextVehicle", distance);
    }
    cruiseStatus = "inactive";
    this.distanceToNextVehicle = distance;
    return dict("cruiseStatus", "inactive", "currentSpeed", s, "distanceToNextVehicle", distance);
  }

  public Map<String, Object> getCurrentSpeed() {
    return dict("currentSpeed", random.uniform(0.0, 120.0));
  }

  public Map<String, Object> displayLog(Object messages) {
    return dict("log", messages);
  }

  public Map<String, Object> estimateDriveFeasibilityByMileage(Object distance) {
    return dict("canDrive", !PyCompare.lessThan(PyOperators.mul(fuelLevel, MILE_PER_GALLON), distance));
  }

  public Map<String, Object> literToGallon(Object liter) {
    return dict("gallon", PyOperators.mul(liter, 0.264172));
  }

  public Map<String, Object> gallonToLiter(Object gallon) {
    return dict("liter", PyOperators.mul(gallon, 3.78541));
  }

  private static final String[][] DISTANCES = {
    {"83214", "74532", "750.0"}, {"56108", "62947", "320.0"}, {"71354", "83462", "450.0"},
    {"47329", "52013", "290.0"}, {"69238", "51479", "630.0"}, {"94016", "83214", "980.0"},
    {"94016", "94704", "600.0"}, {"94704", "08540", "2550.0"}, {"94016", "08540", "1950.0"},
    {"62947", "47329", "1053.0"}, {"94016", "62947", "780.0"}, {"74532", "94016", "880.0"},
  };

  public Map<String, Object> estimateDistance(Object cityA, Object cityB) {
    Map<String, Object> distance = null;
    for (String[] row : DISTANCES) {
      if ((row[0].equals(cityA) && row[1].equals(cityB)) || (row[1].equals(cityA) && row[0].equals(cityB))) {
        distance = dict("distance", Double.parseDouble(row[2]));
        break;
      }
    }
    if (distance == null) {
      distance = dict("error", "distance not found in database.");
    }
    if (longContext) {
      if (intermediaryCities == null) {
        intermediaryCities = LongContext.get("INTERMEDIARY_CITIES");
      }
      distance.put("intermediaryCities", intermediaryCities);
    }
    return distance;
  }

  private static final Map<String, String> ZIPCODES = new LinkedHashMap<>();

  static {
    String[] pairs = {"Rivermist", "83214", "Stonebrook", "74532", "Maplecrest", "56108", "Silverpine", "62947",
        "Shadowridge", "71354", "Sunset Valley", "83462", "Oakendale", "47329", "Willowbend", "52013",
        "Crescent Hollow", "69238", "Autumnville", "51479", "San Francisco", "94016"};
    for (int i = 0; i < pairs.length; i += 2) {
      ZIPCODES.put(pairs[i], pairs[i + 1]);
    }
  }

  public Map<String, Object> getZipcodeBasedOnCity(Object city) {
    String zip = city instanceof String s ? ZIPCODES.get(s) : null;
    return dict("zipcode", zip == null ? "00000" : zip);
  }

  public Map<String, Object> setNavigation(Object destination) {
    this.destination = destination; // stored before the concatenation below may raise
    return dict("status", PyOperators.add("Navigating to ", destination));
  }

  public Map<String, Object> checkTirePressure() {
    Object sum = PyOperators.add(PyOperators.add(PyOperators.add(frontLeftTirePressure, frontRightTirePressure),
        rearLeftTirePressure), rearRightTirePressure);
    Object mean = PyOperators.trueDiv(sum, 4L);
    boolean healthy = PyCompare.lessEqual(30L, mean) && PyCompare.lessEqual(mean, 35L);
    return dict("frontLeftTirePressure", frontLeftTirePressure, "frontRightTirePressure", frontRightTirePressure,
        "rearLeftTirePressure", rearLeftTirePressure, "rearRightTirePressure", rearRightTirePressure,
        "healthy_tire_pressure", healthy, "car_info", longContext ? CAR_STATUS_METADATA_EXTENSION
            : new LinkedHashMap<String, Object>());
  }

  public Map<String, Object> findNearestTireShop() {
    return dict("shopLocation", "456 Oakwood Avenue, Rivermist, 83214");
  }

}
